/**
 * Assets as the API (and every event about them) renders them. In the core because both the
 * assets routes and the stream object's reactions (core/asset-reactions.ts) render them.
 */
import { desc, eq } from 'drizzle-orm';
import type { Db } from './db/client';
import { assetPlaybackIds, type assets } from './db/schema/index';
import { iso } from './time';

export type AssetRow = typeof assets.$inferSelect;
export type AssetPlaybackIdRow = typeof assetPlaybackIds.$inferSelect;

export interface AssetView {
  asset: AssetRow;
  playbackIds: AssetPlaybackIdRow[];
}

function renderSource(a: AssetRow) {
  switch (a.source) {
    case 'live_session':
      return { type: 'live_session' as const, stream_id: a.streamId, session_id: a.sessionId };
    case 'clip':
      return { type: 'clip' as const, parent_asset_id: a.parentAssetId, start: a.clipStartS, end: a.clipEndS };
    case 'upload':
      return { type: 'upload' as const, upload_id: a.uploadId, input_url: a.inputUrl };
  }
}

export const renderAssetPlaybackId = (p: AssetPlaybackIdRow) => ({
  id: p.id,
  policy: p.policy,
  created_at: iso(p.createdAt)!,
});

export function renderAsset(v: AssetView) {
  const a = v.asset;
  return {
    id: a.id,
    app_id: a.appId,
    status: a.status,
    duration: a.durationS,
    resolution: a.resolution,
    renditions: a.renditions,
    source: renderSource(a),
    playback_ids: v.playbackIds.map(renderAssetPlaybackId),
    error: a.errorReason ? { reason: a.errorReason } : null,
    mp4_support: a.mp4Support,
    mp4: a.mp4Status
      ? {
          status: a.mp4Status,
          rendition: a.mp4Rendition,
          bytes: a.mp4Bytes,
          path: a.mp4Status === 'ready' ? 'highest.mp4' : null,
          error: a.mp4Error ? { reason: a.mp4Error } : null,
        }
      : null,
    frame_accurate: a.trimStatus ? { status: a.trimStatus, error: a.trimError ? { reason: a.trimError } : null } : null,
    passthrough: a.passthrough,
    metadata: a.metadata,
    created_at: iso(a.createdAt)!,
    updated_at: iso(a.updatedAt)!,
    ready_at: iso(a.readyAt),
  };
}

export async function loadAssetView(db: Db, asset: AssetRow): Promise<AssetView> {
  const pbs = await db
    .select()
    .from(assetPlaybackIds)
    .where(eq(assetPlaybackIds.assetId, asset.id))
    .orderBy(desc(assetPlaybackIds.createdAt), desc(assetPlaybackIds.id));
  return { asset, playbackIds: pbs };
}
