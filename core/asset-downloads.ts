import type { Mp4JobSpec } from '@edgelive/shared/media-jobs';
import { eq } from 'drizzle-orm';
import type { AssetRow } from './asset-views';
import { createDb } from './db/client';
import { assets } from './db/schema/index';
import type { Env } from './env';
import { mediaJobsStub } from './stubs';

/**
 * An asset's MP4 (issue 14, `mp4_support: standard`): the highest rung remuxed (faststart) by a
 * media job. The job id is derived from the asset's, so asking twice (a retried reaction, a PATCH
 * repeated) queues one job.
 */
export const mp4JobId = (assetId: string) => `job_mp4${assetId.slice(assetId.indexOf('_') + 1)}`;

export async function requestMp4(env: Env, asset: AssetRow): Promise<void> {
  const rendition = asset.renditions[0];
  if (asset.status !== 'ready' || !rendition || asset.mp4Status === 'ready') return;
  await createDb(env.DB)
    .update(assets)
    .set({
      mp4Support: 'standard',
      mp4Status: 'preparing',
      mp4Rendition: rendition,
      mp4Error: null,
      updatedAt: Date.now(),
    })
    .where(eq(assets.id, asset.id));
  const spec: Mp4JobSpec = {
    kind: 'mp4',
    asset_id: asset.id,
    input: { playlist: 'playlist.m3u8', rendition },
    output: { content_type: 'video/mp4' },
  };
  await mediaJobsStub(env).enqueue(mp4JobId(asset.id), spec);
}
