import { and, eq, isNull, or } from 'drizzle-orm';
import { type AssetTree, assetTree } from '../../core/asset-tree';
import type { Db } from '../../core/db/client';
import { apps, assetPlaybackIds, assets } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import type { ReferrerPolicy } from '../lib/referrer';
import type { PlaybackGate } from './playback.service';

/**
 * A playback id of an asset with its own HLS tree (an upload or URL ingest: no stream recorded
 * it; or a clip, whose playlists are its own and segments its media asset's). Same policies,
 * tokens, grants and referrer rules as every other playback id; it opens only its tree
 * (core/asset-tree.ts, workers/routes/vod-delivery.ts).
 */
export interface VodPlayback extends PlaybackGate {
  asset: {
    id: string;
    status: 'preparing' | 'ready' | 'errored';
    durationS: number | null;
    renditions: string[];
    /** A clip being made frame-accurate: its media playlists will change, so they are not cached long. */
    trimStatus: 'preparing' | 'ready' | 'errored' | null;
  };
  tree: AssetTree;
}

export async function resolveVodPlayback(db: Db, playbackId: string): Promise<VodPlayback | null> {
  if (!isIdOf('playbackId', playbackId)) return null;
  const row = await db
    .select({
      policy: assetPlaybackIds.policy,
      appId: assets.appId,
      settings: apps.settings,
      asset: {
        id: assets.id,
        status: assets.status,
        durationS: assets.durationS,
        renditions: assets.renditions,
        trimStatus: assets.trimStatus,
      },
      tree: {
        id: assets.id,
        source: assets.source,
        streamId: assets.streamId,
        mediaAssetId: assets.mediaAssetId,
        clipRanges: assets.clipRanges,
      },
    })
    .from(assetPlaybackIds)
    .innerJoin(assets, eq(assets.id, assetPlaybackIds.assetId))
    .innerJoin(apps, eq(apps.id, assets.appId))
    .where(and(eq(assetPlaybackIds.id, playbackId), or(isNull(assets.streamId), eq(assets.source, 'clip'))))
    .get();
  const tree = row ? await assetTree(db, row.tree) : null;
  if (!row || !tree) return null;
  const settings = (row.settings ?? {}) as ReferrerPolicy;
  return {
    id: playbackId,
    policy: row.policy,
    appId: row.appId,
    restrictions: { allowed_referrers: settings.allowed_referrers, allow_no_referrer: settings.allow_no_referrer },
    asset: row.asset,
    tree,
  };
}

/** The tree's master names `<rendition>.m3u8`; the copy served at `/hls/{pb}.m3u8` names them under `{pb}/vod/`. */
export const vodMasterText = (master: string, pbId: string) =>
  master
    .split('\n')
    .map((l) => (l && !l.startsWith('#') ? `${pbId}/vod/${l.trim()}` : l))
    .join('\n');
