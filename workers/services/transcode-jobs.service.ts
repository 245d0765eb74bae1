import type { TranscodeResult } from '@edgelive/shared/media-jobs';
import { and, eq } from 'drizzle-orm';
import { requestMp4 } from '../../core/asset-downloads';
import { type AssetRow, loadAssetView, renderAsset } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { assets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { uploadPrefix, vodKey, vodPrefix } from '../../core/media-keys';
import { deletePrefixes } from '../../core/media-storage';

/**
 * The outcome of a transcode job (an upload or a URL ingest): `ready` once its master playlist is
 * in R2, or `errored` with the worker's reason, its bytes deleted (a file that is not video
 * stores nothing). Both are idempotent: the agent retries `complete` until it hears 2xx.
 */

export async function transcodeDone(db: Db, env: Env, asset: AssetRow, result: TranscodeResult): Promise<void> {
  if (asset.status !== 'preparing') return;
  if (!(await env.MEDIA.head(vodKey(asset.id, 'master.m3u8'))))
    return transcodeFailed(db, env, asset, 'no_output: the job completed without uploading its master playlist');
  const now = Date.now();
  const [row] = await db
    .update(assets)
    .set({
      status: 'ready',
      durationS: Math.round(result.duration_s * 1000) / 1000,
      resolution: `${result.width}x${result.height}`,
      renditions: result.renditions,
      readyAt: now,
      updatedAt: now,
    })
    .where(and(eq(assets.id, asset.id), eq(assets.status, 'preparing')))
    .returning();
  if (!row) return;
  await emitEvent(env, {
    appId: row.appId,
    type: 'asset.ready',
    objectType: 'asset',
    objectId: row.id,
    data: renderAsset(await loadAssetView(db, row)),
  });
  if (row.mp4Support === 'standard') await requestMp4(env, row);
}

export async function transcodeFailed(db: Db, env: Env, asset: AssetRow, reason: string): Promise<void> {
  if (asset.status !== 'preparing') return;
  // The bytes first: an errored asset keeps no media (its row says why).
  await deletePrefixes(env, [vodPrefix(asset.id), ...(asset.uploadId ? [uploadPrefix(asset.uploadId)] : [])]);
  const [row] = await db
    .update(assets)
    .set({ status: 'errored', errorReason: reason.replace(/^\w*Error: /, '').slice(0, 500), updatedAt: Date.now() })
    .where(and(eq(assets.id, asset.id), eq(assets.status, 'preparing')))
    .returning();
  if (!row) return;
  await emitEvent(env, {
    appId: row.appId,
    type: 'asset.errored',
    objectType: 'asset',
    objectId: row.id,
    data: renderAsset(await loadAssetView(db, row)),
  });
}
