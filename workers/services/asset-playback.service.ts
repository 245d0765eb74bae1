import { eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { apps, assetPlaybackIds, assets, streams } from '../../core/db/schema/index';

/**
 * An asset's playback id resolves like a stream's (same policies, tokens, referrer rules, grants)
 * to the stream that recorded it, plus the asset it opens: the HLS routes then serve only that
 * asset's session, under the recording URLs (workers/routes/hls.routes.ts).
 */
export async function findAssetPlayback(db: Db, playbackId: string) {
  // Typed so that a stream's row and an asset's resolve to one shape in playback.service.ts.
  type Found = {
    policy: 'public' | 'signed';
    stream: typeof streams.$inferSelect;
    settings: unknown;
    asset: AssetPlayback | null;
  };
  const row = await db
    .select({
      policy: assetPlaybackIds.policy,
      stream: streams,
      settings: apps.settings,
      asset: { id: assets.id, sessionId: assets.sessionId, status: assets.status, durationS: assets.durationS },
    })
    .from(assetPlaybackIds)
    .innerJoin(assets, eq(assets.id, assetPlaybackIds.assetId))
    .innerJoin(streams, eq(streams.id, assets.streamId))
    .innerJoin(apps, eq(apps.id, assets.appId))
    .where(eq(assetPlaybackIds.id, playbackId))
    .get();
  if (!row?.asset.sessionId) return undefined;
  const found: Found = { ...row, asset: { ...row.asset, sessionId: row.asset.sessionId } };
  return found;
}

export interface AssetPlayback {
  id: string;
  sessionId: string;
  status: 'preparing' | 'ready' | 'errored';
  durationS: number | null;
}

/**
 * An asset's playback id opens its master (`/hls/{pb}.m3u8`) and its session's recording tree
 * (`/hls/{pb}/recordings/{session}...`), nothing else of the stream: not its live session, not
 * its other recordings. `path` is the request's pathname.
 */
export function assetOpens(asset: AssetPlayback, pbId: string, path: string): boolean {
  const at = path.indexOf(`/${pbId}`);
  if (at < 0) return false;
  const rest = path.slice(at + pbId.length + 1);
  const tree = `/recordings/${asset.sessionId}`;
  return rest === '.m3u8' || rest === `${tree}.m3u8` || rest.startsWith(`${tree}/`);
}

/** The recording's master names `{session}/{rendition}.m3u8` below `recordings/`; the asset's sits two levels up. */
export const assetMasterText = (recordingMaster: string, pbId: string) =>
  recordingMaster
    .split('\n')
    .map((l) => (l && !l.startsWith('#') ? `${pbId}/recordings/${l}` : l))
    .join('\n');
