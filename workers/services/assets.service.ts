import { and, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import { requestMp4 } from '../../core/asset-downloads';
import { clipPrefix } from '../../core/asset-tree';
import { type AssetRow, type AssetView, loadAssetView, renderAsset } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { assetPlaybackIds, assets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { isIdOf, newId } from '../../core/ids';
import { uploadPrefix, vodPrefix } from '../../core/media-keys';
import { deletePrefixes, sessionMediaPrefixes } from '../../core/media-storage';
import { ApiError, notFound } from '../lib/errors';
import { findInApp, pageInApp } from './app-rows';

export type { AssetRow, AssetView };

export const findAsset = (db: Db, appId: string, id: string): Promise<AssetRow> =>
  findInApp(db, assets, 'asset', 'asset', appId, id);

export interface AssetFilters {
  limit: number;
  cursor?: string;
  stream_id?: string;
  source?: AssetRow['source'];
  status?: AssetRow['status'];
  created_after?: string;
  created_before?: string;
}

/** A page of the app's assets (`limit + 1` rows, for pageOf) and a view per row. */
export async function listAssets(db: Db, appId: string, q: AssetFilters) {
  const where: SQL[] = [];
  if (q.stream_id) where.push(eq(assets.streamId, q.stream_id));
  if (q.source) where.push(eq(assets.source, q.source));
  if (q.status) where.push(eq(assets.status, q.status));
  if (q.created_after) where.push(gte(assets.createdAt, Date.parse(q.created_after)));
  if (q.created_before) where.push(lt(assets.createdAt, Date.parse(q.created_before)));
  const rows = await pageInApp(db, assets, appId, q, where.length ? and(...where) : undefined);
  const pbs = rows.length
    ? await db
        .select()
        .from(assetPlaybackIds)
        .where(
          inArray(
            assetPlaybackIds.assetId,
            rows.map((r) => r.id),
          ),
        )
    : [];
  const viewOf = (asset: AssetRow): AssetView => ({
    asset,
    playbackIds: pbs
      .filter((p) => p.assetId === asset.id)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)),
  });
  return { rows, viewOf };
}

export async function updateAsset(
  db: Db,
  asset: AssetRow,
  env: Env,
  body: { passthrough?: string | null; metadata?: Record<string, string>; mp4_support?: 'none' | 'standard' },
): Promise<AssetView> {
  const changes: Partial<AssetRow> = { updatedAt: Date.now() };
  if (body.passthrough !== undefined) changes.passthrough = body.passthrough;
  if (body.metadata !== undefined) changes.metadata = body.metadata;
  if (body.mp4_support !== undefined) changes.mp4Support = body.mp4_support;
  const [row] = await db.update(assets).set(changes).where(eq(assets.id, asset.id)).returning();
  if (row!.mp4Support === 'standard' && !row!.mp4Status) {
    await requestMp4(env, row!);
    return loadAssetView(db, (await db.query.assets.findFirst({ where: eq(assets.id, asset.id) }))!);
  }
  return loadAssetView(db, row!);
}

/** The R2 prefixes that hold only this asset's media. */
export function mediaPrefixes(a: AssetRow): string[] {
  const own = [
    `downloads/${a.id}/`,
    vodPrefix(a.id),
    clipPrefix(a.id),
    ...(a.uploadId ? [uploadPrefix(a.uploadId)] : []),
  ];
  if (a.source === 'live_session' && a.streamId && a.sessionId)
    return [...own, ...sessionMediaPrefixes(a.streamId, a.sessionId)];
  return own;
}

/**
 * The media first, then the rows: a failure part way leaves the asset listed (and deletable
 * again) rather than rows gone with bytes still billed in R2.
 */
export async function deleteAsset(db: Db, env: Env, asset: AssetRow): Promise<void> {
  // Clips play this asset's segments: they go first, each with its own event.
  const clips = await db.select().from(assets).where(eq(assets.mediaAssetId, asset.id));
  for (const clip of clips) await deleteAsset(db, env, clip);
  const data = renderAsset(await loadAssetView(db, asset));
  await deletePrefixes(env, mediaPrefixes(asset));
  await db.delete(assets).where(eq(assets.id, asset.id));
  await emitEvent(env, {
    appId: asset.appId,
    type: 'asset.deleted',
    objectType: 'asset',
    objectId: asset.id,
    data: { ...data, status: 'deleted' },
  });
}

/**
 * A stream's assets go with it (their media is under the stream's prefixes, which the stream's
 * delete removes whole); each gets its `asset.deleted`.
 */
export async function deleteStreamAssets(db: Db, env: Env, streamId: string): Promise<void> {
  const rows = await db.select().from(assets).where(eq(assets.streamId, streamId));
  // Clips first: a recording's delete would otherwise take them along and they would be deleted twice.
  rows.sort((a, b) => Number(b.source === 'clip') - Number(a.source === 'clip'));
  for (const a of rows) await deleteAsset(db, env, a);
}

export const MAX_ASSET_PLAYBACK_IDS = 10;

export async function addAssetPlaybackId(db: Db, asset: AssetRow, policy: 'public' | 'signed') {
  const existing = await db.$count(assetPlaybackIds, eq(assetPlaybackIds.assetId, asset.id));
  if (existing >= MAX_ASSET_PLAYBACK_IDS)
    throw new ApiError(
      409,
      'conflict',
      `An asset has at most ${MAX_ASSET_PLAYBACK_IDS} playback ids; delete one first.`,
    );
  const row = { id: newId('playbackId'), assetId: asset.id, appId: asset.appId, policy, createdAt: Date.now() };
  await db.insert(assetPlaybackIds).values(row);
  return row;
}

export async function removeAssetPlaybackId(db: Db, asset: AssetRow, id: string) {
  const gone = isIdOf('playbackId', id)
    ? await db
        .delete(assetPlaybackIds)
        .where(and(eq(assetPlaybackIds.id, id), eq(assetPlaybackIds.assetId, asset.id)))
        .returning()
    : [];
  if (!gone.length) throw notFound('playback id');
}
