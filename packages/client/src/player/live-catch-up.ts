/// <reference lib="dom" />
import type Hls from 'hls.js';

/**
 * Catching up with the live edge in `low` mode. The player's target is the playlist's
 * PART-HOLD-BACK (0.6 s); it starts later than that (the first parts load while the clock runs)
 * and falls back after a stall. hls.js plays faster to catch up only while more than one second
 * is buffered, which never happens 0.6 s from the edge, so a late start would stay late for the
 * whole session (bench/glass-to-glass.ts saw about half a second of it). This plays a little
 * faster whenever it is behind and a few tenths of a second are buffered, and at normal speed
 * otherwise; hls.js's own rate control is off in `low` mode (hls-config.ts).
 */

/** Playback rate while behind: 10 % faster wins back half a second in five. */
export const CATCH_UP_RATE = 1.1;

export interface LiveSample {
  /** Seconds behind the live edge (hls.js `latency`), and the target (`targetLatency`). */
  latency: number | null;
  target: number | null;
  /** Seconds buffered ahead of the playhead. */
  ahead: number;
  /** The rate now. */
  rate: number;
}

/** The rate to play at: faster only while behind, with buffer to spare, and not far off live (a DVR seek, a pause). */
export function catchUpRate(s: LiveSample): number {
  if (s.latency === null || s.target === null) return 1;
  const behind = s.latency - s.target;
  const catching = s.rate > 1;
  // Hysteresis: start past 0.1 s behind with 0.3 s buffered, stop at the target or below 0.15 s buffered.
  const wanted = catching ? behind > 0.02 && s.ahead > 0.15 : behind > 0.1 && s.ahead > 0.3;
  return wanted && behind < 3 ? CATCH_UP_RATE : 1;
}

const bufferedAhead = (video: HTMLVideoElement) => {
  const b = video.buffered;
  for (let i = 0; i < b.length; i++)
    if (b.start(i) <= video.currentTime + 0.05 && b.end(i) > video.currentTime) return b.end(i) - video.currentTime;
  return 0;
};

/** Runs on every timeupdate; the returned function stops it. */
export function followLiveEdge(video: HTMLVideoElement, hls: Hls): () => void {
  const onTime = () => {
    if (video.paused) return;
    const rate = catchUpRate({
      latency: hls.latency,
      target: hls.targetLatency,
      ahead: bufferedAhead(video),
      rate: video.playbackRate,
    });
    if (rate !== video.playbackRate) video.playbackRate = rate;
  };
  video.addEventListener('timeupdate', onTime);
  return () => video.removeEventListener('timeupdate', onTime);
}
