import { bucketOf, GRANULARITIES, type StorageKind } from '@edgelive/shared/usage';
import { and, eq } from 'drizzle-orm';
import { clipPrefix } from '../../core/asset-tree';
import type { Db } from '../../core/db/client';
import { assets, streamSessions, streams, uploads } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { uploadPrefix, vodPrefix } from '../../core/media-keys';
import { UPSERT } from '../../core/usage/recorder';
import { prefixBytes } from './storage.service';

/**
 * The `stored_byte_hours` meter (issue 15): once an hour each app's R2 bytes are listed and the
 * sample counts as that many bytes held for the hour, per stream (its segments, recordings and
 * thumbnails) and app-wide ('': uploads, their transcodes, downloads, clips), each by kind (the
 * bucket's dimension, STORAGE_KINDS: recordings, segments, images, uploads, clips, downloads). The Cron Trigger runs
 * every minute and samples a few apps each time, so a large deployment spreads the listing over the
 * hour. The hour row of the app-wide sample is the claim: inserted first with 0 (`DO NOTHING` if
 * present), so an app is sampled once an hour however many sweeps overlap.
 */
export const APPS_PER_SWEEP = 25;

const CLAIM = `INSERT INTO usage_buckets (granularity, bucket, app_id, stream_id, meter, dimension, quantity)
  VALUES ('hour', ?, ?, '', 'stored_byte_hours', '', 0) ON CONFLICT DO NOTHING RETURNING app_id`;

const UNSAMPLED = `SELECT id FROM apps WHERE archived_at IS NULL AND id NOT IN (
  SELECT app_id FROM usage_buckets WHERE granularity = 'hour' AND bucket = ? AND meter = 'stored_byte_hours' AND stream_id = '' AND dimension = ''
) ORDER BY id LIMIT ?`;

/** R2 bytes of one app now, by stream ('' for what belongs to the app, not a stream) and kind. */
export async function storedBytesByKind(db: Db, env: Env, appId: string): Promise<Map<string, number>> {
  const [streamRows, assetRows, uploadRows, recorded] = await Promise.all([
    db.select({ id: streams.id }).from(streams).where(eq(streams.appId, appId)),
    db.select({ id: assets.id, source: assets.source }).from(assets).where(eq(assets.appId, appId)),
    db.select({ id: uploads.id }).from(uploads).where(eq(uploads.appId, appId)),
    db
      .select({ id: streamSessions.id })
      .from(streamSessions)
      .where(and(eq(streamSessions.appId, appId), eq(streamSessions.recording, true))),
  ]);
  const recordedSessions = new Set(recorded.map((r) => r.id));
  // live/<stream>/<session>/...: a recorded session's segments are its recording's; the others are
  // live-only segments kept for the DVR window until the retention sweep deletes them.
  const liveKind = (key: string): StorageKind =>
    recordedSessions.has(key.split('/')[2] ?? '') ? 'recordings' : 'segments';
  const prefixes: [string, string, StorageKind | ((key: string) => StorageKind)][] = [
    ...streamRows.flatMap((s): [string, string, StorageKind | ((key: string) => StorageKind)][] => [
      [s.id, `live/${s.id}/`, liveKind],
      [s.id, `recordings/${s.id}/`, 'recordings'],
      [s.id, `thumbnails/${s.id}/`, 'images'],
    ]),
    ...uploadRows.map((u): [string, string, StorageKind] => ['', uploadPrefix(u.id), 'uploads']),
    ...assetRows.flatMap((a): [string, string, StorageKind][] => [
      ['', vodPrefix(a.id), a.source === 'live_session' ? 'recordings' : a.source === 'clip' ? 'clips' : 'uploads'],
      ['', `downloads/${a.id}/`, 'downloads'],
      ...(a.source === 'clip' ? [['', clipPrefix(a.id), 'clips'] as [string, string, StorageKind]] : []),
    ]),
  ];
  const out = new Map<string, number>();
  const add = (streamId: string, kind: StorageKind, bytes: number) => {
    const key = `${streamId}\u0000${kind}`;
    if (bytes > 0) out.set(key, (out.get(key) ?? 0) + bytes);
  };
  for (const [streamId, prefix, kind] of prefixes) {
    if (typeof kind === 'string') add(streamId, kind, (await prefixBytes(env, prefix)).bytes);
    else await eachObject(env, prefix, (key, size) => add(streamId, kind(key), size));
  }
  return out;
}

async function eachObject(env: Env, prefix: string, f: (key: string, size: number) => void) {
  let cursor: string | undefined;
  for (;;) {
    const page = await env.MEDIA.list({ prefix, limit: 1000, cursor });
    for (const o of page.objects) f(o.key, o.size);
    if (!page.truncated) return;
    cursor = page.cursor;
  }
}

/** Samples one app for the hour holding `now`; false when this hour's sample was already taken. */
export async function sampleAppStorage(db: Db, env: Env, appId: string, now = Date.now()): Promise<boolean> {
  const hour = bucketOf(now, 'hour');
  const claimed = await env.DB.prepare(CLAIM).bind(hour, appId).first();
  if (!claimed) return false;
  let bytes: Map<string, number>;
  try {
    bytes = await storedBytesByKind(db, env, appId);
  } catch (err) {
    // Give the claim back, so the next sweep of the hour samples the app again.
    await env.DB.prepare(
      `DELETE FROM usage_buckets WHERE granularity = 'hour' AND bucket = ? AND app_id = ? AND stream_id = '' AND meter = 'stored_byte_hours' AND dimension = '' AND quantity = 0`,
    )
      .bind(hour, appId)
      .run();
    throw err;
  }
  const minute = bucketOf(now, 'minute');
  const statements: D1PreparedStatement[] = [];
  for (const [key, quantity] of bytes) {
    const [streamId, kind] = key.split('\u0000') as [string, StorageKind];
    for (const g of GRANULARITIES) {
      // Every granularity holds the sample in the bucket of its hour (the claim row is its hour row).
      const bucket = g === 'minute' ? minute : bucketOf(hour, g);
      statements.push(env.DB.prepare(UPSERT).bind(g, bucket, appId, streamId, 'stored_byte_hours', kind, quantity));
    }
  }
  if (statements.length) await env.DB.batch(statements);
  return true;
}

/** The Cron Trigger's part: up to `limit` apps not sampled this hour yet. Returns how many were. */
export async function sampleStoredBytes(db: Db, env: Env, now = Date.now(), limit = APPS_PER_SWEEP) {
  const hour = bucketOf(now, 'hour');
  const { results } = await env.DB.prepare(UNSAMPLED).bind(hour, limit).all<{ id: string }>();
  let sampled = 0;
  for (const { id } of results) if (await sampleAppStorage(db, env, id, now)) sampled++;
  return sampled;
}

/**
 * Bytes the apps hold by their latest hourly samples: what the `recording_storage_gb` limit and the
 * subscription's bars compare (a figure at most an hour old, read from one query, never a listing).
 */
export async function latestStoredBytes(env: Env, appIds: string[]): Promise<number> {
  if (!appIds.length) return 0;
  const marks = appIds.map(() => '?').join(',');
  const row = await env.DB.prepare(
    `SELECT COALESCE(SUM(quantity), 0) AS n FROM usage_buckets u
     WHERE granularity = 'hour' AND meter = 'stored_byte_hours' AND app_id IN (${marks})
       AND bucket = (SELECT MAX(bucket) FROM usage_buckets v
         WHERE v.granularity = 'hour' AND v.meter = 'stored_byte_hours' AND v.app_id = u.app_id)`,
  )
    .bind(...appIds)
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}
