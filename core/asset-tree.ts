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
  /** The R2 key of a frame-accurate clip's re-encoded part (`<rendition>/head.ts`, `tail.ts`); null for others. */
  part(rendition: string, name: 'head' | 'tail'): string | null;
  /** The recorded session whose AES-128 key the segments may need; null for uploads. */
  session: { streamId: string; sessionId: string } | null;
}

type RootRow = Pick<AssetRow, 'id' | 'source' | 'streamId' | 'sessionId'>;

/** The R2 key a segment URI (`<n>.ts`, or a clip's `head.ts`/`tail.ts`) of a rendition names in a tree. */
export function treeSegmentKey(tree: AssetTree, rendition: string, file: string): string | null {
  const m = /^(?:(\d{1,9})|(head|tail))\.ts$/.exec(file);
  if (!m) return null;
  return m[1] !== undefined ? tree.segment(rendition, Number(m[1])) : tree.part(rendition, m[2] as 'head' | 'tail');
}

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
      part: () => null,
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
    // Only the clip's own parts, written under its prefix by its trim job (none until then: R2 answers 404).
    part: (r, name) => `${clipPrefix(a.id)}${r}/${name}.ts`,
    session,
  };
}
