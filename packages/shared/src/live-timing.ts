import type { LatencyMode } from './origin-protocol.ts';

/** Segment length per latency mode (issue 3: about 1 s for low, 2 to 4 s for standard). */
export const SEGMENT_SECONDS: Record<LatencyMode, number> = { standard: 2, low: 1 };

/** A live playlist lists about this much media: room for players to start a few segments back. */
const WINDOW_SECONDS = 30;
export const windowCount = (mode: LatencyMode) => Math.ceil(WINDOW_SECONDS / SEGMENT_SECONDS[mode]);

/** The longest DVR window a stream may keep (issue 14: up to 4 h). */
export const MAX_DVR_WINDOW_SECONDS = 4 * 3600;

/**
 * Segments a live playlist lists with a DVR window of `dvrS` seconds: the window's worth at the
 * nominal length, never fewer than the plain live window (0 = the live window only).
 */
export const dvrWindowCount = (mode: LatencyMode, dvrS = 0) =>
  Math.max(windowCount(mode), Math.ceil(Math.min(dvrS, MAX_DVR_WINDOW_SECONDS) / SEGMENT_SECONDS[mode]));

/** Mux's default and ceiling for one continuous session: 12 h. */
export const MAX_SESSION_SECONDS = 12 * 3600;

/** How long a hole in the numbering holds later segments back before it is skipped. */
export const gapWaitMs = (mode: LatencyMode) => 3 * SEGMENT_SECONDS[mode] * 1000;

/**
 * An active stream from which nothing arrived for this long lost its origin without a
 * publish-done (an origin crash): it goes to `reconnecting` as if the publisher had left.
 * Well above the 10 s outage an agent rides out by buffering.
 */
export const STALL_MS = 30_000;
