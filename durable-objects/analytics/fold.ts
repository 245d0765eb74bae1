import type { Beacon } from '@edgelive/shared/beacons';
import type { MinuteDelta, ViewRow } from './store';

/**
 * How one beacon changes its view and its minute. Beacons carry cumulative counters, so the
 * minute gains the difference from the view's last snapshot. Two guards keep a player honest
 * enough: a beacon not newer than the last one seen (`seq`) changes nothing, and no counter of
 * time may grow faster than the wall clock (plus some slack for a beacon delayed in flight).
 */
const SLACK_MS = 15_000;
/** A view first heard of mid-way (its start beacon lost) brings at most this much history. */
const FIRST_BEACON_ALLOWANCE_MS = 60_000;

export interface Dimensions {
  country: string;
  browser: string;
  os: string;
}

export function foldBeacon(
  prev: ViewRow | null,
  b: Beacon,
  now: number,
  dims: Dimensions,
): { view: ViewRow; delta: MinuteDelta } | null {
  if (prev && b.seq <= prev.seq) return null;
  const allowance = prev ? Math.max(0, now - prev.last_at) + SLACK_MS : FIRST_BEACON_ALLOWANCE_MS;
  const grow = (next: number, before: number) => Math.min(Math.max(0, next - before), allowance);
  const base = prev ?? {
    view_id: b.view_id,
    viewer_id: b.viewer_id,
    ...dims,
    started_at: now,
    last_at: now,
    seq: -1,
    playing_ms: 0,
    startup_ms: null,
    rebuffer_count: 0,
    rebuffer_ms: 0,
    error_count: 0,
    live_latency_ms: null,
    dropped_frames: 0,
    total_frames: 0,
  };
  const watchMs = grow(b.playing_ms, base.playing_ms);
  const rebufferMs = grow(b.rebuffer_ms, base.rebuffer_ms);
  const rebufferCount = Math.max(0, b.rebuffer_count - base.rebuffer_count);
  const errors = Math.max(0, b.error_count - base.error_count);
  // Frames as rebuffer counts are: what the view gained since its last beacon. A player that does
  // not report them gains none; a view never drops more frames than it decoded, and decodes at most
  // 240 a second of the time it may claim.
  const totalFrames = Math.min(
    Math.max(0, (b.total_frames ?? base.total_frames) - base.total_frames),
    Math.floor(allowance * 0.24),
  );
  const droppedFrames = Math.min(
    Math.max(0, (b.dropped_frames ?? base.dropped_frames) - base.dropped_frames),
    totalFrames,
  );
  // Startup is measured once per view: the first beacon that knows it.
  const startupMs = base.startup_ms === null && b.startup_ms !== null ? b.startup_ms : null;
  const view: ViewRow = {
    ...base,
    last_at: now,
    seq: b.seq,
    playing_ms: base.playing_ms + watchMs,
    rebuffer_ms: base.rebuffer_ms + rebufferMs,
    rebuffer_count: base.rebuffer_count + rebufferCount,
    error_count: base.error_count + errors,
    startup_ms: base.startup_ms ?? b.startup_ms,
    live_latency_ms: b.live_latency_ms ?? base.live_latency_ms,
    dropped_frames: base.dropped_frames + droppedFrames,
    total_frames: base.total_frames + totalFrames,
  };
  return {
    view,
    delta: {
      viewsStarted: prev ? 0 : 1,
      watchMs,
      rebufferMs,
      rebufferCount,
      errors,
      startupMs,
      latencyMs: b.live_latency_ms,
      droppedFrames,
      totalFrames,
    },
  };
}
