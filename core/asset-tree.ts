import { eq } from 'drizzle-orm';
import type { AssetRow } from './asset-views';
import type { Db } from './db/client';
import { assets } from './db/schema/index';
import { segmentKey, vodKey } from './media-keys';

/**
 * Where an asset with playlists of its own keeps them, and which R2 object each segment URI in
 * them names. Uploads and URL ingests own their whole tree (`vod/{asset}/`). A clip (issue 14)
 * owns only its playlists (`clips/{clip}/`): its segments are its media asset's (a recorded
 * session's under `live/`, or an upload's under `vod/`), and only the range it was cut from is
 * reachable through it. Stream recordings have no such tree (their playlists sit under
 * `recordings/`, hls.routes.ts serves them).
 */
export const clipPrefix = (assetId: string) => `clips/${assetId}/`;

export interface AssetTree {
  assetId: string;
  /** The R2 prefix of `master.m3u8` and `<rendition>.m3u8`. */
  prefix: string;
  /** The R2 key of segment `n` of a rendition, or null when this asset does not name it. */
  segment(rendition: string, n: number): string | null;
  /** The recorded session whose AES-128 key the segments may need; null for uploads. */
  session: { streamId: string; sessionId: string } | null;
}

type RootRow = Pick<AssetRow, 'id' | 'source' | 'streamId' | 'sessionId'>;

/** The tree of an upload, a URL ingest or a clip; null for a stream recording (or a clip whose media is gone). */
export async function assetTree(
  db: Db,
  a: Pick<AssetRow, 'id' | 'source' | 'streamId' | 'mediaAssetId' | 'clipRanges'>,
): Promise<AssetTree | null> {
  if (a.source === 'upload') {
    return {
      assetId: a.id,
      prefix: vodKey(a.id, ''),
      segment: (r, n) => vodKey(a.id, `${r}/${n}.ts`),
      session: null,
    };
  }
  if (a.source !== 'clip' || !a.mediaAssetId) return null;
  const root: RootRow | undefined = await db.query.assets.findFirst({
    where: eq(assets.id, a.mediaAssetId),
    columns: { id: true, source: true, streamId: true, sessionId: true },
  });
  if (!root) return null;
  const ranges = a.clipRanges ?? {};
  const inRange = (r: string, n: number) => {
    const span = Object.hasOwn(ranges, r) ? ranges[r] : undefined;
    return span !== undefined && n >= span[0] && n <= span[1];
  };
  const session = root.streamId && root.sessionId ? { streamId: root.streamId, sessionId: root.sessionId } : null;
  return {
    assetId: a.id,
    prefix: clipPrefix(a.id),
    segment: (r, n) => {
      if (!inRange(r, n)) return null;
      if (session) return segmentKey(session.streamId, session.sessionId, r, n);
      return root.source === 'upload' ? vodKey(root.id, `${r}/${n}.ts`) : null;
    },
    session,
  };
}
