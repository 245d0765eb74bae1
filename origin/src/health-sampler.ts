import { link, rm } from 'node:fs/promises';
import { HEALTH, type HealthSample } from '@edgelive/shared/stream-health';
import type { FrameStats } from './frame-probe.ts';
import type { Logger } from './log.ts';

export interface HealthSamplerOptions {
  /** The rendition that carries the publisher's input (the first rung: the source, or the top of the ladder). */
  sourceRendition: string;
  intervalMs: number;
  /** FFmpeg restarts of the session so far. */
  restarts: () => number;
  post: (sample: HealthSample) => Promise<void>;
  /** Frame rate and keyframe spacing of a segment; null when it cannot be read (an encrypted session). */
  probe: ((file: string, durationS: number) => Promise<FrameStats>) | null;
  /** Where the segment kept for probing goes (the upload queue deletes the original once stored). */
  sampleFile: string;
  log: Logger;
  /** Told whether each sample reached the Worker (the origin's metrics count them). */
  onSent?: (ok: boolean) => void;
  now?: () => number;
}

interface Window {
  startedAt: number;
  bytes: number;
  mediaS: number;
  segments: number;
  late: number;
  dropped: number;
  lagsMs: number[];
}

const p95 = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!);
};

/**
 * Measures one live session's health for the Worker (packages/shared/src/stream-health.ts): the
 * source rendition's bitrate and lateness as FFmpeg lists its segments, frame rate and keyframe
 * spacing from one segment per window, upload lag (listed to stored) and backlog for every
 * rendition, and FFmpeg restarts. Every `intervalMs` the window becomes a sample, sent best-effort:
 * a lost sample is only a gap, and the Worker's verdict needs several in a row anyway.
 */
export class HealthSampler {
  private readonly opts: HealthSamplerOptions;
  private readonly now: () => number;
  private window: Window;
  private lastSourceAt: number | null = null;
  /** Listed and not yet stored, by rendition/sequence: when it was listed. */
  private readonly waiting = new Map<string, number>();
  private frames: FrameStats | null = null;
  private probeDue = true;
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: HealthSamplerOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.window = this.fresh();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.send(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void rm(this.opts.sampleFile, { force: true });
  }

  /** FFmpeg finished a segment (called before it is queued, so its file still exists). */
  async segmentListed(rendition: string, sequence: number, bytes: number, durationS: number, file: string) {
    const at = this.now();
    this.waiting.set(`${rendition}/${sequence}`, at);
    if (rendition !== this.opts.sourceRendition) return;
    const w = this.window;
    w.bytes += bytes;
    w.mediaS += durationS;
    w.segments++;
    // A segment listed much later than its own length after the one before: the input stalled.
    if (this.lastSourceAt !== null && at - this.lastSourceAt > (durationS * HEALTH.lateFactor + 1) * 1000) w.late++;
    this.lastSourceAt = at;
    if (this.probeDue && this.opts.probe) {
      this.probeDue = false;
      await this.probeSegment(file, durationS, this.opts.probe);
    }
  }

  /**
   * The upload queue gave up on a segment (its buffer was full, or the Worker refused it for
   * good): it will never be stored, so it leaves the backlog and counts as dropped.
   */
  segmentDropped(rendition: string, sequence: number): void {
    if (this.waiting.delete(`${rendition}/${sequence}`)) this.window.dropped++;
  }

  /** The Worker stored a segment: returns how long it took since it was listed (ms), when known. */
  segmentUploaded(rendition: string, sequence: number): number | null {
    const key = `${rendition}/${sequence}`;
    const listedAt = this.waiting.get(key);
    if (listedAt === undefined) return null;
    this.waiting.delete(key);
    const lag = this.now() - listedAt;
    this.window.lagsMs.push(lag);
    return lag;
  }

  /** The window so far as a sample; starts the next window. */
  takeSample(): HealthSample {
    const now = this.now();
    const w = this.window;
    this.window = this.fresh();
    this.probeDue = true;
    const frames = this.frames;
    this.frames = null;
    return {
      at: new Date(now).toISOString(),
      window_s: Math.max(0.001, (now - w.startedAt) / 1000),
      input_bitrate_kbps: w.mediaS > 0 ? Math.round((w.bytes * 8) / w.mediaS / 10) / 100 : 0,
      frame_rate: frames?.frameRate ?? null,
      keyframe_interval_s: frames?.keyframeIntervalS ?? null,
      segments: w.segments,
      segments_late: w.late,
      segments_dropped: w.dropped,
      upload_lag_ms_p95: p95(w.lagsMs),
      upload_backlog: this.waiting.size,
      encoder_restarts: this.opts.restarts(),
    };
  }

  private async send(): Promise<boolean> {
    const sample = this.takeSample();
    try {
      await this.opts.post(sample);
      this.opts.onSent?.(true);
      return true;
    } catch (err) {
      this.opts.log('debug', 'health sample not sent', { reason: String(err) });
      this.opts.onSent?.(false);
      return false;
    }
  }

  private async probeSegment(file: string, durationS: number, probe: NonNullable<HealthSamplerOptions['probe']>) {
    const copy = this.opts.sampleFile;
    try {
      await rm(copy, { force: true });
      await link(file, copy);
    } catch {
      return;
    }
    // Beside the uploads: nothing waits for the probe.
    void probe(copy, durationS)
      .then((f) => (this.frames = f))
      .catch((err: unknown) => this.opts.log('debug', 'segment frames not probed', { reason: String(err) }))
      .finally(() => void rm(copy, { force: true }));
  }

  private fresh(): Window {
    return { startedAt: this.now(), bytes: 0, mediaS: 0, segments: 0, late: 0, dropped: 0, lagsMs: [] };
  }
}
