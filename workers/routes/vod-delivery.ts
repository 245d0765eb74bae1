import { isRenditionName } from '@edgelive/shared/ladder';
import type { Context } from 'hono';
import { treeSegmentKey } from '../../core/asset-tree';
import { IMMUTABLE, PLAYLIST_TYPE, SEGMENT_TYPE } from '../../core/media-keys';
import { streamStub } from '../../core/stubs';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { grantUris } from '../lib/playlist-uris';
import { sessionMediaKey } from '../lib/session-key';
import { serveMedia } from '../services/media-cache';
import { type Access, authorize, grantFor, type Resource } from '../services/playback.service';
import { resolveVodPlayback, type VodPlayback, vodMasterText } from '../services/vod-playback.service';

/**
 * Delivery of assets with their own HLS tree (uploads, URL ingests, clips), beside hls.routes.ts:
 *   /hls/{pb}.m3u8                          master (hls.routes.ts asks here when no stream has the id)
 *   /hls/{pb}/vod/{rendition}.m3u8          VOD media playlist   (?g=, or ?token=)
 *   /hls/{pb}/vod/{rendition}/{n}.ts        segment              (?g=, or ?token=)
 *   /hls/{pb}/vod/aes.key                   a clip of an encrypted session: its key (?g=, or ?token=)
 * The tree never changes once the asset is ready, so it caches like a recording; the one exception
 * is a clip whose trim job is still running (frame_accurate), whose media playlists are rewritten
 * when it completes, so they are revalidated meanwhile.
 */
type Ctx = Context<AppEnv>;

const VOD_PUBLIC = 'public, max-age=86400';
const vodSigned = (access: Access) =>
  `private, max-age=${access.signed ? Math.max(0, Math.min(3600, access.exp - Math.floor(Date.now() / 1000))) : 0}`;

async function admitVod(c: Ctx, pbId: string, what: Resource): Promise<{ pb: VodPlayback; access: Access } | null> {
  const pb = await resolveVodPlayback(c.get('db'), pbId);
  if (!pb) return null;
  const access = await authorize(c.get('db'), pb, what, {
    token: c.req.query('token'),
    grant: c.req.query('g'),
    referer: c.req.header('referer'),
    selfHost: new URL(c.req.url).hostname,
    grantSecret: c.env.PLAYBACK_GRANT_SECRET,
  });
  if (pb.asset.status !== 'ready') throw new ApiError(412, 'asset_not_ready', `The asset is ${pb.asset.status}.`);
  return { pb, access };
}

async function text(c: Ctx, key: string) {
  const obj = await c.env.MEDIA.get(key);
  if (!obj) throw notFound('playlist');
  return obj.text();
}

function playlist(c: Ctx, body: string, access: Access, g: string | null, changing = false) {
  return c.body(grantUris(body, g), 200, {
    'content-type': PLAYLIST_TYPE,
    'cache-control': changing ? 'no-cache' : g ? vodSigned(access) : VOD_PUBLIC,
  });
}

/** The master of a vod asset's id, or null when the id is not one (hls.routes.ts goes on). */
export async function vodMaster(c: Ctx, pbId: string): Promise<Response | null> {
  const admitted = await admitVod(c, pbId, 'master');
  if (!admitted) return null;
  const { pb, access } = admitted;
  const master = vodMasterText(await text(c, `${pb.tree.prefix}master.m3u8`), pb.id);
  return playlist(c, master, access, await grantFor(access, 'p', pb.id, c.env.PLAYBACK_GRANT_SECRET, { vod: true }));
}

export async function vodMediaPlaylist(c: Ctx): Promise<Response> {
  if (c.req.param('file') === 'aes.key') return vodKeyFile(c);
  const rendition = (c.req.param('file') ?? '').replace(/\.m3u8$/, '');
  if (!isRenditionName(rendition)) throw notFound('playlist');
  const admitted = await admitVod(c, c.req.param('pb') ?? '', 'playlist');
  if (!admitted?.pb.asset.renditions.includes(rendition)) throw notFound('playlist');
  const { pb, access } = admitted;
  const body = await text(c, `${pb.tree.prefix}${rendition}.m3u8`);
  const g = await grantFor(access, 's', pb.id, c.env.PLAYBACK_GRANT_SECRET, { vod: true });
  return playlist(c, body, access, g, pb.asset.trimStatus === 'preparing');
}

export async function vodSegment(c: Ctx): Promise<Response> {
  const rendition = c.req.param('rendition') ?? '';
  const file = c.req.param('file') ?? '';
  if (!/^(\d{1,9}|head|tail)\.ts$/.test(file) || !isRenditionName(rendition)) throw notFound('segment');
  const admitted = await admitVod(c, c.req.param('pb') ?? '', 'segment');
  if (!admitted) throw notFound('segment');
  // The tree maps the URI to its own asset's media (a clip: only the range it was cut from).
  const key = treeSegmentKey(admitted.pb.tree, rendition, file);
  if (!key) throw notFound('segment');
  const res = await serveMedia(c, key, {
    contentType: SEGMENT_TYPE,
    cacheControl: IMMUTABLE,
    cacheable: true,
  });
  if (!res) throw notFound('segment');
  return res;
}

/** A clip of an encrypted recording names its session's key beside its playlists. */
async function vodKeyFile(c: Ctx): Promise<Response> {
  const admitted = await admitVod(c, c.req.param('pb') ?? '', 'key');
  const session = admitted?.pb.tree.session;
  if (!session) throw notFound('key');
  if (!(await streamStub(c.env, session.streamId).sessionEncryption(session.sessionId))) throw notFound('key');
  const key = await sessionMediaKey(c.env.MEDIA_KEY_SECRET, session.streamId, session.sessionId);
  return c.body(key, 200, { 'content-type': 'application/octet-stream', 'cache-control': 'private, no-store' });
}
