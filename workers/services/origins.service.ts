import {
  type HeartbeatBody,
  type IngestUrls,
  ingestUrlsSchema,
  leastLoaded,
  type OriginHealth,
  originHealth,
} from '@edgelive/shared/origin-fleet';
import type { Db } from '../../core/db/client';
import { originHeartbeats } from '../../core/db/schema/index';

/**
 * The origin fleet as the control plane sees it: each origin's last heartbeat (load, ingest URLs)
 * in D1, its health from the heartbeat's age, and which origin a publisher is sent to.
 */

export interface OriginView {
  originId: string;
  health: OriginHealth;
  lastSeenAt: number;
  registeredAt: number | null;
  publications: number;
  cpu: number | null;
  backlogBytes: number | null;
  ingest: IngestUrls | null;
}

export async function recordHeartbeat(db: Db, originId: string, beat: HeartbeatBody, now = Date.now()): Promise<void> {
  const set = {
    lastSeenAt: now,
    publications: beat.publications,
    ingest: beat.ingest ? JSON.stringify(beat.ingest) : null,
    cpu: beat.cpu ?? null,
    backlogBytes: beat.upload_backlog_bytes ?? null,
  };
  await db
    .insert(originHeartbeats)
    .values({ originId, registeredAt: now, ...set })
    .onConflictDoUpdate({ target: originHeartbeats.originId, set })
    .run();
}

export async function listOrigins(db: Db, now = Date.now()): Promise<OriginView[]> {
  const rows = await db.select().from(originHeartbeats).orderBy(originHeartbeats.originId).all();
  return rows.map((r) => ({
    originId: r.originId,
    health: originHealth(r.lastSeenAt, now),
    lastSeenAt: r.lastSeenAt,
    registeredAt: r.registeredAt,
    publications: r.publications,
    cpu: r.cpu,
    backlogBytes: r.backlogBytes,
    ingest: parseIngest(r.ingest),
  }));
}

function parseIngest(json: string | null): IngestUrls | null {
  if (!json) return null;
  try {
    const parsed = ingestUrlsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Where a stream's publisher should go: the origin its live session is on while that origin is
 * healthy (a reconnect continues there), else the least-loaded healthy origin with ingest URLs;
 * null when no origin is up.
 */
export function ingestFor(
  origins: OriginView[],
  sessionOriginId: string | null,
): (IngestUrls & { origin_id: string; whip: string | null }) | null {
  const healthy = origins.filter((o) => o.health === 'operational' && o.ingest);
  const current = sessionOriginId ? healthy.find((o) => o.originId === sessionOriginId) : undefined;
  const chosen = current ?? leastLoaded(healthy);
  // `whip` is absent from origins older than WHIP: the answer always names it, null when off.
  return chosen?.ingest ? { origin_id: chosen.originId, ...chosen.ingest, whip: chosen.ingest.whip ?? null } : null;
}
