import { isRungName, RUNGS } from '@edgelive/shared/ladder';
import { encodedMeterFor } from '@edgelive/shared/usage';
import type { Env } from '../../core/env';
import { type UsagePoint, usageRecorder } from '../../core/usage/recorder';

/** What metering needs of a Hono context (any of the Worker's envs). */
interface Ctx {
  env: Env;
  executionCtx: { waitUntil(p: Promise<unknown>): void };
}

/** Counts work done by this request (core/usage/recorder.ts: in memory, flushed about once a second). */
export function meter(c: Ctx, p: UsagePoint): void {
  if (c.env.USAGE_METERING === 'off') return;
  usageRecorder.record(c.env, (w) => c.executionCtx.waitUntil(w), p);
}

/**
 * An origin's segment, committed: its seconds were encoded into the rendition's height class (the
 * passthrough `source` is copied, not encoded), and the ladder's first rendition stands for the
 * session's connected (ingest) time.
 */
export function meterSegment(
  c: Ctx,
  seg: { appId: string; streamId: string; rendition: string; duration: number; primary: boolean; at: number },
): void {
  const { appId, streamId, duration, at } = seg;
  if (isRungName(seg.rendition)) {
    meter(c, { appId, streamId, meter: encodedMeterFor(RUNGS[seg.rendition].height), quantity: duration, at });
  }
  if (seg.primary) meter(c, { appId, streamId, meter: 'ingest_seconds', quantity: duration, at });
}
