import { isRenditionName } from '@edgelive/shared/ladder';
import { renderMasterPlaylist } from '@edgelive/shared/playlist';
import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { isIdOf } from '../../core/ids';
import {
  IMMUTABLE,
  PLAYLIST_TYPE,
  partKey,
  recordingKey,
  recordingMasterKey,
  SEGMENT_TYPE,
  segmentKey,
} from '../../core/media-keys';
import { streamStub } from '../../core/stubs';
import type { AppEnv } from '../env';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { directivesKey, parseDeliveryDirectives } from '../lib/ll-query';
import { grantUris } from '../lib/playlist-uris';
import { sessionMediaKey } from '../lib/session-key';
import { meter } from '../lib/usage';
import { assetMasterText, assetOpens } from '../services/asset-playback.service';
import { assertDeliveryAllowed } from '../services/delivery-cap.service';
import { serveMedia } from '../services/media-cache';
import {
  type Access,
  authorize,
  grantFor,
  type Playback,
  type Resource,
  resolvePlayback,
} from '../services/playback.service';
import { cachedLivePlaylist } from '../services/playlist-cache';
import { vodMaster, vodMediaPlaylist, vodSegment } from './vod-delivery';

/**
 * HLS delivery:
 *   /hls/{pb}.m3u8                                     master of the live session   (?token= when signed)
 *   /hls/{pb}/{session}/{rendition}.m3u8               live media playlist          (?g= playlist grant, or ?token=)
 *   /hls/{pb}/{session}/{rendition}/{n}.ts             segment                      (?g= any grant, or ?token=)
 *   /hls/{pb}/{session}/aes.key                        the session's AES-128 key    (?g=, or ?token=)
 *   /hls/{pb}/recordings/{session}.m3u8                master of a recording        (?token=)
 *   /hls/{pb}/recordings/{session}/{rendition}.m3u8    VOD media playlist           (?g=, or ?token=)
 *   /hls/{pb}/recordings/{session}/{rendition}/{n}.ts  the same segments            (?g=, or ?token=)
 *   /hls/{pb}/recordings/{session}/aes.key             the same key                 (?g=, or ?token=)
 * A recording has URLs of its own because a live media playlist may never grow back what slid out
 * of its window (RFC 8216 6.2.1): after the session the live URL keeps its last window plus
 * ENDLIST, for the players that were on it, and the recording (every segment, VOD) lives apart.
 * Every URI inside a playlist is relative, so the tree moves with its host (the same recording
 * text in R2 serves under any playback id); signed playback adds `?g=` to each
 * (lib/playback-grant.ts explains why grants, not the token, travel down the tree).
 */

/** Live playlists change every segment: at most a second in a shared cache, none in the player's. */
const LIVE = 'public, max-age=1';
const LIVE_LOW = 'public, max-age=0, s-maxage=1';
/** A recording's playlists never change once written. */
const VOD_PUBLIC = 'public, max-age=86400';
/** A signed copy names grants that expire: private, and not kept past them. */
const vodSigned = (access: Access) =>
  `private, max-age=${access.signed ? Math.max(0, Math.min(3600, access.exp - Math.floor(Date.now() / 1000))) : 0}`;

type Ctx = Context<AppEnv>;

const stripSuffix = (file: string, suffix: string) => (file.endsWith(suffix) ? file.slice(0, -suffix.length) : null);

async function etagOf(text: string) {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `"${[...new Uint8Array(d, 0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('')}"`;
}

async function playlist(c: Ctx, text: string, cacheControl: string) {
  const etag = await etagOf(text);
  const headers = { 'content-type': PLAYLIST_TYPE, 'cache-control': cacheControl, etag };
  const inm = c.req.header('if-none-match');
  if (inm?.split(',').some((t) => t.trim() === etag)) return c.body(null, 304, headers);
  return c.body(text, 200, headers);
}

/** Resolves the playback id and checks this request against its policy. */
async function admit(c: Ctx, pbId: string, what: Resource): Promise<{ pb: Playback; access: Access }> {
  const pb = await resolvePlayback(c.get('db'), pbId, { hot: what === 'segment' });
  const access = await authorize(c.get('db'), pb, what, {
    token: c.req.query('token'),
    grant: c.req.query('g'),
    referer: c.req.header('referer'),
    selfHost: new URL(c.req.url).hostname,
    grantSecret: c.env.PLAYBACK_GRANT_SECRET,
  });
  if (pb.asset && !assetOpens(pb.asset, pb.id, new URL(c.req.url).pathname)) throw notFound('playlist');
  // A plan's hard cap on delivered minutes refuses new viewers (services/delivery-cap.service.ts).
  if (what === 'master') await assertDeliveryAllowed(c.get('db'), c.env, pb.stream.appId);
  return { pb, access };
}

const grant = (c: Ctx, access: Access, scope: 'p' | 's', pb: Playback, vod = false) =>
  grantFor(access, scope, pb.id, c.env.PLAYBACK_GRANT_SECRET, { vod });

async function r2Text(c: Ctx, key: string) {
  const obj = await c.env.MEDIA.get(key);
  return obj ? obj.text() : null;
}

function sessionParam(c: Ctx) {
  const session = c.req.param('session') ?? '';
  if (!isIdOf('streamSession', session)) throw notFound('playlist');
  return session;
}

export const hlsRoutes = new Hono<AppEnv>()
  // Players run on the customer's pages, so any origin may read media; ranges and ETags are read
  // by players (Content-Range for byte-range requests).
  .use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'OPTIONS'],
      allowHeaders: ['Range', 'If-None-Match'],
      exposeHeaders: ['Content-Length', 'Content-Range', 'ETag', 'X-Edgelive-Cache'],
      maxAge: 86400,
    }),
  )
  .use('*', async (c, next) => {
    await next();
    // Refusals must not stick in a cache: the stream may go live, or the token be renewed, a second later.
    if (c.res.status >= 400) c.res.headers.set('cache-control', 'no-store');
  })
  .get('/:file', async (c) => {
    const pbId = stripSuffix(c.req.param('file'), '.m3u8');
    if (!pbId) throw notFound('playlist');
    // An asset with its own tree (an upload) has no stream: vod-delivery.ts serves it.
    const vod = await vodMaster(c, pbId);
    if (vod) return vod;
    const { pb, access } = await admit(c, pbId, 'master');
    if (pb.asset) return assetMaster(c, pb, access);
    const master = await streamStub(c.env, pb.stream.id).master();
    if (!master) throw new ApiError(412, 'stream_not_active', 'The stream is not live right now.');
    const text = renderMasterPlaylist(
      master.variants.map((v) => ({ ...v, uri: `${pb.id}/${master.sessionId}/${v.rendition}.m3u8` })),
    );
    return playlist(c, grantUris(text, await grant(c, access, 'p', pb)), LIVE);
  })
  .get('/:pb/recordings/:file', async (c) => {
    const session = stripSuffix(c.req.param('file'), '.m3u8');
    if (!session || !isIdOf('streamSession', session)) throw notFound('recording');
    const { pb, access } = await admit(c, c.req.param('pb'), 'master');
    const text = await r2Text(c, recordingMasterKey(pb.stream.id, session));
    if (text === null) throw notFound('recording');
    const g = await grant(c, access, 'p', pb, true);
    return playlist(c, grantUris(text, g), g ? vodSigned(access) : VOD_PUBLIC);
  })
  .get('/:pb/recordings/:session/:file', async (c) => {
    const session = sessionParam(c);
    const file = c.req.param('file');
    if (file === 'aes.key') return serveKey(c, session);
    const rendition = stripSuffix(file, '.m3u8');
    if (!rendition || !isRenditionName(rendition)) throw notFound('playlist');
    const { pb, access } = await admit(c, c.req.param('pb'), 'playlist');
    const text = await r2Text(c, recordingKey(pb.stream.id, session, rendition));
    if (text === null) throw notFound('recording');
    const g = await grant(c, access, 's', pb, true);
    return playlist(c, grantUris(text, g), g ? vodSigned(access) : VOD_PUBLIC);
  })
  .get('/:pb/recordings/:session/:rendition/:file', (c) => serveSegment(c))
  .get('/:pb/vod/:file', (c) => vodMediaPlaylist(c))
  .get('/:pb/vod/:rendition/:file', (c) => vodSegment(c))
  // Before recordings had their own URLs their master sat at /hls/{pb}/{session}.m3u8.
  .get('/:pb/:file', (c) => {
    const session = stripSuffix(c.req.param('file'), '.m3u8');
    if (!session || !isIdOf('streamSession', session)) throw notFound('playlist');
    return c.redirect(recordingUrl(c, `${session}.m3u8`), 301);
  })
  .get('/:pb/:session/:file', async (c) => {
    const session = sessionParam(c);
    const file = c.req.param('file');
    if (file === 'aes.key') return serveKey(c, session);
    const rendition = stripSuffix(file, '.m3u8');
    if (!rendition || !isRenditionName(rendition)) throw notFound('playlist');
    const { pb, access } = await admit(c, c.req.param('pb'), 'playlist');
    const mode = pb.stream.latencyMode;
    // LL-HLS directives apply to `low` streams, the only ones whose playlists offer them.
    const req = mode === 'low' ? parseDeliveryDirectives((n) => c.req.query(n)) : { skip: false };
    const stub = streamStub(c.env, pb.stream.id);
    const { text: live, cache } = await cachedLivePlaylist(
      c.req.url,
      { streamId: pb.stream.id, sessionId: session, rendition, mode, variant: directivesKey(req) },
      async () => {
        if (req.msn === undefined) return stub.mediaPlaylist(session, rendition, req.skip);
        const answer = await stub.blockingPlaylist(session, rendition, req);
        if (answer.kind === 'too_far')
          throw badRequest('_HLS_msn/_HLS_part is too far past the live edge (more than two segments or three parts).');
        return answer.kind === 'playlist' ? answer.text : null;
      },
    );
    if (live !== null) {
      // Live, or just ended (its window plus ENDLIST): never the recording, which would re-grow it.
      c.header('x-edgelive-cache', cache);
      const text = grantUris(live, await grant(c, access, 's', pb), await grant(c, access, 'p', pb));
      return playlist(c, text, mode === 'low' ? LIVE_LOW : LIVE);
    }
    // A session the object no longer holds: no live player is left on it, so an old link (or a
    // master written before recordings had their own URLs) is sent on to the recording.
    if (!(await c.env.MEDIA.head(recordingKey(pb.stream.id, session, rendition)))) throw notFound('playlist');
    return c.redirect(recordingUrl(c, `${session}/${rendition}.m3u8`), 301);
  })
  .get('/:pb/:session/:rendition/:file', (c) => serveSegment(c));

/** An asset's master: its recording's, from two levels up (and 412 until the recording is written). */
async function assetMaster(c: Ctx, pb: Playback, access: Access) {
  const asset = pb.asset!;
  if (asset.status !== 'ready') throw new ApiError(412, 'asset_not_ready', `The asset is ${asset.status}.`);
  const text = await r2Text(c, recordingMasterKey(pb.stream.id, asset.sessionId));
  if (text === null) throw notFound('recording');
  const g = await grant(c, access, 'p', pb, true);
  return playlist(c, grantUris(assetMasterText(text, pb.id), g), g ? vodSigned(access) : VOD_PUBLIC);
}

/** `/hls/{pb}/recordings/<rest>`, keeping the request's query (token or grant). */
function recordingUrl(c: Ctx, rest: string) {
  const url = new URL(c.req.url);
  return `/hls/${encodeURIComponent(c.req.param('pb') ?? '')}/recordings/${rest}${url.search}`;
}

async function serveKey(c: Ctx, session: string) {
  const { pb } = await admit(c, c.req.param('pb') ?? '', 'key');
  // The session's own flag: turning encryption off later must not strand its viewers or its
  // recording. Sessions from before the object recorded it fall back to the stream's setting.
  const encrypted = (await streamStub(c.env, pb.stream.id).sessionEncryption(session)) ?? pb.stream.encryption;
  if (!encrypted) throw notFound('key');
  const key = await sessionMediaKey(c.env.MEDIA_KEY_SECRET, pb.stream.id, session);
  // Never in a shared cache: the key is what the policy protects.
  return c.body(key, 200, { 'content-type': 'application/octet-stream', 'cache-control': 'private, no-store' });
}

/** A segment, live or recorded: the same immutable R2 object (and cached copy) under either URL. */
async function serveSegment(c: Ctx) {
  const session = sessionParam(c);
  const rendition = c.req.param('rendition') ?? '';
  const name = stripSuffix(c.req.param('file') ?? '', '.ts');
  const m = name ? /^(\d{1,9})(?:\.(\d{1,3}))?$/.exec(name) : null;
  if (!m || !isRenditionName(rendition)) throw notFound('segment');
  const seq = Number(m[1]);
  const part = m[2] === undefined ? null : Number(m[2]);
  const { pb } = await admit(c, c.req.param('pb') ?? '', 'segment');
  // The key starts with the playback id's own stream, so no other stream's media is reachable.
  const key =
    part === null
      ? segmentKey(pb.stream.id, session, rendition, seq)
      : partKey(pb.stream.id, session, rendition, seq, part);
  const opts: Parameters<typeof serveMedia>[2] = {
    contentType: SEGMENT_TYPE,
    cacheControl: IMMUTABLE,
    cacheable: true,
    // Delivered usage (issue 15): a range counts its share of the segment's seconds.
    onServed: ({ bytes, size, duration }) => {
      const at = Date.now();
      const streamId = pb.stream.id;
      meter(c, { appId: pb.stream.appId, streamId, meter: 'delivered_bytes', quantity: bytes, at });
      if (duration && size) {
        meter(c, {
          appId: pb.stream.appId,
          streamId,
          meter: 'delivered_seconds',
          quantity: (duration * bytes) / size,
          at,
        });
      }
    },
  };
  const res = await serveMedia(c, key, opts);
  if (res) return res;
  // A part named by EXT-X-PRELOAD-HINT is asked for before it exists: held until it is committed.
  if (part !== null && (await streamStub(c.env, pb.stream.id).awaitPart(session, rendition, seq, part))) {
    const later = await serveMedia(c, key, opts);
    if (later) return later;
  }
  throw notFound('segment');
}
