import { STALL_MS } from '@edgelive/shared/live-timing';
import { ORIGIN_DOWN_MS } from '@edgelive/shared/origin-fleet';
import { eq } from 'drizzle-orm';
import { createDb } from '../../core/db/client';
import { originHeartbeats } from '../../core/db/schema/index';

/**
 * Whether an active stream that went quiet lost its origin. Quiet for ORIGIN_DOWN_MS (15 s), the
 * object looks at the origin's heartbeat (the fleet registry in D1): an origin three beats late is
 * down, and its stream goes `reconnecting` now rather than after the 30 s stall. An origin still
 * beating (it is riding out a Worker outage, or the publisher is only slow) is looked at again
 * when its heartbeat would be late; an origin that never registered (no heartbeat row) gets only
 * the stall rule, as before the fleet existed.
 */
export type OriginVerdict = { down: true } | { down: false; recheckAt: number };

export async function judgeOrigin(
  db: D1Database,
  originId: string,
  lastActivityAt: number,
  now: number,
): Promise<OriginVerdict> {
  const stallAt = lastActivityAt + STALL_MS;
  if (now >= stallAt) return { down: true };
  const row = await createDb(db)
    .select({ lastSeenAt: originHeartbeats.lastSeenAt })
    .from(originHeartbeats)
    .where(eq(originHeartbeats.originId, originId))
    .get()
    .catch(() => undefined);
  if (!row) return { down: false, recheckAt: stallAt };
  if (now - row.lastSeenAt > ORIGIN_DOWN_MS) return { down: true };
  return { down: false, recheckAt: Math.min(row.lastSeenAt + ORIGIN_DOWN_MS + 1000, stallAt) };
}

/** When an active stream is next looked at: 15 s after its last activity, or the recheck asked for. */
export function stallCheckAt(lastActivityAt: number, recheck: { activity: number; at: number } | null): number {
  const first = lastActivityAt + ORIGIN_DOWN_MS;
  return recheck && recheck.activity === lastActivityAt ? Math.max(first, recheck.at) : first;
}
