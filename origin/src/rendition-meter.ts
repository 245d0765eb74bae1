import type { RenditionReport } from '@edgelive/shared/origin-protocol';
import type { SegmentMedia } from './probe.ts';

/**
 * Bandwidth of one rendition as the HLS spec defines it: BANDWIDTH is the peak segment bitrate,
 * AVERAGE-BANDWIDTH the mean over all segments so far. It asks for a new report when the peak grows
 * by more than a tenth (a player that trusts a too-low BANDWIDTH stalls), and not otherwise.
 */
export class RenditionMeter {
  private peakBps = 0;
  private totalBits = 0;
  private totalSeconds = 0;
  private reportedBps = 0;
  media: SegmentMedia | null = null;

  addSegment(bytes: number, durationS: number): void {
    if (durationS <= 0) return;
    const bps = (bytes * 8) / durationS;
    this.peakBps = Math.max(this.peakBps, bps);
    this.totalBits += bytes * 8;
    this.totalSeconds += durationS;
  }

  /** The report to send now, or null when the last one still holds. */
  takeReport(): RenditionReport | null {
    if (!this.media || this.peakBps === 0) return null;
    if (this.reportedBps > 0 && this.peakBps <= this.reportedBps * 1.1) return null;
    this.reportedBps = this.peakBps;
    return {
      bandwidth: Math.round(this.peakBps),
      average_bandwidth: Math.round(this.totalBits / this.totalSeconds),
      resolution: `${this.media.width}x${this.media.height}`,
      codecs: this.media.codecs,
      frame_rate: this.media.frameRate,
    };
  }

  /** After a report failed to reach the Worker: send again next time. */
  forgetReport(): void {
    this.reportedBps = 0;
  }
}
