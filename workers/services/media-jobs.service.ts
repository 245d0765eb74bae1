import type { MediaJobSpec } from '@edgelive/shared/media-jobs';
import { eq } from 'drizzle-orm';
import { type AssetRow, loadAssetView, renderAsset } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { assets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { isIdOf } from '../../core/ids';
import { mp4Key } from '../../core/media-keys';
import { notFound } from '../lib/errors';
import { trimFailed } from './clip-trim.service';
import { transcodeFailed } from './transcode-jobs.service';

/**
 * What the Worker does when a media job ends: the asset's MP4 becomes `ready` with its size (or
 * `errored` with the reason), and the event says so. Idempotent: the agent retries `complete`
 * until it hears 2xx, and a second call finds the asset already marked and records nothing.
 */

/** The asset a job works on; the job names it, and nothing outside the job's asset is reachable. */
export async function jobAsset(db: Db, assetId: string): Promise<AssetRow> {
  const row = isIdOf('asset', assetId) ? await db.query.assets.findFirst({ where: eq(assets.id, assetId) }) : undefined;
  if (!row) throw notFound('asset');
  return row;
}

export async function mp4Done(db: Db, env: Env, asset: AssetRow): Promise<void> {
  if (asset.mp4Status === 'ready') return;
  const head = await env.MEDIA.head(mp4Key(asset.id));
  if (!head) return mp4Failed(db, env, asset, 'no_output: the job completed without uploading its MP4');
  const [row] = await db
    .update(assets)
    .set({ mp4Status: 'ready', mp4Bytes: head.size, mp4Error: null, updatedAt: Date.now() })
    .where(eq(assets.id, asset.id))
    .returning();
  const data = renderAsset(await loadAssetView(db, row!));
  await emitEvent(env, { appId: asset.appId, type: 'asset.mp4.ready', objectType: 'asset', objectId: asset.id, data });
}

export async function mp4Failed(db: Db, env: Env, asset: AssetRow, reason: string): Promise<void> {
  if (asset.mp4Status === 'errored') return;
  const [row] = await db
    .update(assets)
    .set({ mp4Status: 'errored', mp4Error: reason, updatedAt: Date.now() })
    .where(eq(assets.id, asset.id))
    .returning();
  // Nothing half-written stays billed.
  await env.MEDIA.delete(mp4Key(asset.id));
  const data = renderAsset(await loadAssetView(db, row!));
  await emitEvent(env, {
    appId: asset.appId,
    type: 'asset.mp4.errored',
    objectType: 'asset',
    objectId: asset.id,
    data,
  });
}

/** A job that will not be tried again: its asset hears why (the MP4, a clip's trim, or the asset itself). */
export async function jobFailed(db: Db, env: Env, spec: MediaJobSpec, reason: string): Promise<void> {
  const asset = await jobAsset(db, spec.asset_id);
  if (spec.kind === 'transcode') return transcodeFailed(db, env, asset, reason);
  if (spec.kind === 'trim') return trimFailed(db, env, asset, reason);
  return mp4Failed(db, env, asset, reason);
}
