import { eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { apps, playbackIds, streams } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import { ApiError, notFound } from '../lib/errors';
import { checkGrant, type GrantScope, PLAYLIST_GRANT_MAX_S, SEGMENT_GRANT_S, signGrant } from '../lib/playback-grant';
import { checkReferrer, type ReferrerPolicy } from '../lib/referrer';
import { type AssetPlayback, findAssetPlayback } from './asset-playback.service';
import { verifyViewerToken } from './tokens.service';

/**
 * What a playback id opens, and whether this request may open it (policy, token or grant,
 * referrer). The grant scheme is described in workers/lib/playback-grant.ts.
 */
export interface Playback {
  id: string;
  policy: 'public' | 'signed';
  appId: string;
  stream: typeof streams.$inferSelect;
  restrictions: ReferrerPolicy;
  /** Set when the id is an asset's: it opens that asset's recording only. */
  asset: AssetPlayback | null;
}

/**
 * Resolutions kept per isolate for segment requests, the hot path (many per viewer per minute):
 * a deleted playback id or a changed restriction reaches segments within this long; playlists,
 * which every viewer reloads each segment, always read D1.
 */
const HOT_TTL_MS = 10_000;
const hot = new Map<string, { at: number; pb: Playback }>();

export async function resolvePlayback(db: Db, playbackId: string, opts: { hot?: boolean } = {}): Promise<Playback> {
  if (opts.hot) {
    const hit = hot.get(playbackId);
    if (hit && Date.now() - hit.at < HOT_TTL_MS) return hit.pb;
  }
  const row = isIdOf('playbackId', playbackId)
    ? await db
        .select({ policy: playbackIds.policy, stream: streams, settings: apps.settings })
        .from(playbackIds)
        .innerJoin(streams, eq(streams.id, playbackIds.streamId))
        .innerJoin(apps, eq(apps.id, streams.appId))
        .where(eq(playbackIds.id, playbackId))
        .get()
        .then((r) => (r ? { ...r, asset: null as AssetPlayback | null } : findAssetPlayback(db, playbackId)))
    : undefined;
  if (!row) throw notFound('playback id');
  const settings = (row.settings ?? {}) as ReferrerPolicy;
  const pb: Playback = {
    id: playbackId,
    policy: row.policy,
    appId: row.stream.appId,
    stream: row.stream,
    restrictions: { allowed_referrers: settings.allowed_referrers, allow_no_referrer: settings.allow_no_referrer },
    asset: row.asset,
  };
  if (hot.size > 5000) hot.clear();
  hot.set(playbackId, { at: Date.now(), pb });
  return pb;
}

/** What the request is for: decides the token audience and which grants open it. */
export type Resource = 'master' | 'playlist' | 'segment' | 'key' | 'thumbnail' | 'download';

/** How access was proven; `exp` (unix s) bounds the grants handed on. Public access has none. */
export type Access = { signed: false } | { signed: true; exp: number };

export interface AccessRequest {
  token: string | undefined;
  grant: string | undefined;
  referer: string | undefined;
  selfHost: string;
  grantSecret: string;
}

/** Grants open sub-requests only; masters and thumbnails always need the customer's token. */
const GRANT_OPENS: Record<Resource, readonly GrantScope[]> = {
  master: [],
  thumbnail: [],
  download: [],
  playlist: ['p'],
  segment: ['p', 's'],
  key: ['p', 's'],
};

const nowS = () => Math.floor(Date.now() / 1000);

/** What a policy check needs of a playback id: a stream's, an asset's, or an asset's own tree (vod-playback.service.ts). */
export type PlaybackGate = Pick<Playback, 'id' | 'policy' | 'appId' | 'restrictions'>;

export async function authorize(db: Db, pb: PlaybackGate, what: Resource, req: AccessRequest): Promise<Access> {
  const ref = checkReferrer(pb.restrictions, req.referer, req.selfHost);
  if (!ref.ok) throw new ApiError(403, ref.code, ref.message);
  if (pb.policy === 'public') return { signed: false };

  if (req.grant && GRANT_OPENS[what].length) {
    const g = await checkGrant(req.grantSecret, req.grant, pb.id, nowS());
    if (!g.ok && g.reason === 'expired')
      throw new ApiError(
        401,
        'grant_expired',
        'This URL has expired; reload the playlist (or the player) to get a fresh one.',
      );
    if (!g.ok || !GRANT_OPENS[what].includes(g.scope))
      throw new ApiError(403, 'grant_invalid', 'This URL was not issued for this playback id or resource.');
    return { signed: true, exp: g.exp };
  }
  // A refused token is a TokenError, already an API error with its status.
  const v = await verifyViewerToken(db, req.token, {
    aud: what === 'thumbnail' ? 't' : what === 'download' ? 'd' : 'v',
    sub: pb.id,
    appId: pb.appId,
  });
  return { signed: true, exp: Math.min(Number(v.claims.exp), nowS() + PLAYLIST_GRANT_MAX_S) };
}

/** The grants a playlist hands on: `p` to media playlists, `s` to segments and keys. */
export async function grantFor(
  access: Access,
  scope: GrantScope,
  pbId: string,
  secret: string,
  opts: { vod?: boolean } = {},
) {
  if (!access.signed) return null;
  // A VOD playlist is read once and its segments fetched for as long as the viewer watches, so its
  // segment grants live as long as the viewer's access; a live playlist reissues them every reload.
  const exp = scope === 's' && !opts.vod ? Math.min(access.exp, nowS() + SEGMENT_GRANT_S) : access.exp;
  return signGrant(secret, scope, pbId, exp);
}
