import { and, eq, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { apps, assets, streamSessions, streams } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { deletePrefixes, sessionMediaPrefixes } from '../../core/media-storage';
import { deleteAsset } from './assets.service';
import { sweepExpiredUploads } from './uploads.service';

/**
 * Storage hygiene, run by the Cron Trigger (workers/scheduled.ts) a bounded batch at a time so a
 * backlog drains over several minutes instead of one long invocation:
 * - recordings older than their stream's `recording_retention_days` (else their app's
 *   `settings.recording_retention_days`) are deleted with their media (and their clips) (deleteAsset: R2 first, then rows, then `asset.deleted`);
 * - live-only sessions (recording off) lose their segments and poster frames once they ended
 *   LIVE_ONLY_GRACE_MS ago, long past any player's window;
 * - direct uploads left unfinished past their expiry lose their parts.
 */
export const LIVE_ONLY_GRACE_MS = 10 * 60_000;
const BATCH = 25;
const DAY_MS = 86_400_000;

export async function expiredRecordings(db: Db, now = Date.now()) {
  // The stream's own setting wins over its app's (issue 14: per app and per stream).
  const days = sql<number>`coalesce(${streams.recordingRetentionDays}, json_extract(${apps.settings}, '$.recording_retention_days'))`;
  return db
    .select({ asset: assets })
    .from(assets)
    .innerJoin(apps, eq(apps.id, assets.appId))
    .leftJoin(streams, eq(streams.id, assets.streamId))
    .where(
      and(eq(assets.source, 'live_session'), isNotNull(days), lt(assets.createdAt, sql`${now} - ${days} * ${DAY_MS}`)),
    )
    .limit(BATCH);
}

export async function sweepLiveOnlySessions(db: Db, env: Env, now = Date.now()): Promise<number> {
  const rows = await db
    .select({ id: streamSessions.id, streamId: streamSessions.streamId })
    .from(streamSessions)
    .where(
      and(
        eq(streamSessions.recording, false),
        eq(streamSessions.status, 'ended'),
        lt(streamSessions.endedAt, now - LIVE_ONLY_GRACE_MS),
        isNull(streamSessions.mediaDeletedAt),
      ),
    )
    .limit(BATCH);
  for (const r of rows) {
    await deletePrefixes(env, sessionMediaPrefixes(r.streamId, r.id));
    await db.update(streamSessions).set({ mediaDeletedAt: now }).where(eq(streamSessions.id, r.id));
  }
  return rows.length;
}

export async function sweepStorage(db: Db, env: Env, now = Date.now()) {
  const expired = await expiredRecordings(db, now);
  for (const { asset } of expired) await deleteAsset(db, env, asset);
  const sessions = await sweepLiveOnlySessions(db, env, now);
  const uploads = await sweepExpiredUploads(db, env);
  return { recordings: expired.length, sessions, uploads };
}
