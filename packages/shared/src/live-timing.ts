import type { LatencyMode } from './origin-protocol.ts';

/** Segment length per latency mode (issue 3: about 1 s for low, 2 to 4 s for standard). */
export const SEGMENT_SECONDS: Record<LatencyMode, number> = { standard: 2, low: 1 };

/** A live playlist lists about this much media: room for players to start a few segments back. */
const WINDOW_SECONDS = 30;
export const windowCount = (mode: LatencyMode) => Math.ceil(WINDOW_SECONDS / SEGMENT_SECONDS[mode]);

/** How long a hole in the numbering holds later segments back before it is skipped. */
export const gapWaitMs = (mode: LatencyMode) => 3 * SEGMENT_SECONDS[mode] * 1000;

/**
 * An active stream from which nothing arrived for this long lost its origin without a
 * publish-done (an origin crash): it goes to `reconnecting` as if the publisher had left.
 * Well above the 10 s outage an agent rides out by buffering.
 */
export const STALL_MS = 30_000;
