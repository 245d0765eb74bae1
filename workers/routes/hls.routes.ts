import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { renderMasterPlaylist } from '../../durable-objects/stream/playlist';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { isIdOf } from '../lib/ids';
import { isRenditionName } from '../lib/ladder';
import {
  IMMUTABLE,
  PLAYLIST_TYPE,
  recordingKey,
  recordingMasterKey,
  SEGMENT_TYPE,
  segmentKey,
} from '../lib/media-keys';
import { resolvePlayback } from '../services/playback.service';

/**
 * HLS delivery: `/hls/{playback_id}.m3u8` (master), `/hls/{playback_id}/{session}/{rendition}.m3u8`
 * (media, from the stream object; a finished recording from R2), `.../{rendition}/{seq}.ts`
 * (segments, from R2), and `/hls/{playback_id}/{session}.m3u8` (a recording's master).
 * Every URI inside a playlist is relative, so the tree moves with its host.
 */

/** Live playlists change every segment: about a second at most in any cache (DESIGN.md). */
const LIVE = 'public, max-age=1';
/** A recording's playlists are written once; a short cache still lets a deleted playback id stop. */
const RECORDING = 'public, max-age=60';

type Ctx = Context<AppEnv>;

const stripSuffix = (file: string, suffix: string) => (file.endsWith(suffix) ? file.slice(0, -suffix.length) : null);

function playlist(c: Ctx, text: string, cacheControl: string) {
  return c.body(text, 200, { 'content-type': PLAYLIST_TYPE, 'cache-control': cacheControl });
}

async function fromR2(c: Ctx, key: string, headers: Record<string, string>) {
  // HEAD (players probing, CDNs revalidating) must not pull the bytes out of R2.
  const obj = c.req.method === 'HEAD' ? await c.env.MEDIA.head(key) : await c.env.MEDIA.get(key);
  if (!obj) return null;
  const all = { ...headers, etag: obj.httpEtag, 'content-length': String(obj.size) };
  return 'body' in obj ? c.body(obj.body as ReadableStream, 200, all) : c.body(null, 200, all);
}

const streamObject = (c: Ctx, streamId: string) => c.env.STREAM.get(c.env.STREAM.idFromName(streamId));

export const hlsRoutes = new Hono<AppEnv>()
  // Players run on the customer's pages, so any origin may read media.
  .use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }))
  .use('*', async (c, next) => {
    await next();
    // Refusals must not stick in a CDN: the stream may go live a second later.
    if (c.res.status >= 400) c.res.headers.set('cache-control', 'no-store');
  })
  .get('/:file', async (c) => {
    const pb = stripSuffix(c.req.param('file'), '.m3u8');
    if (!pb) throw notFound('playlist');
    const stream = await resolvePlayback(c.get('db'), pb);
    const master = await streamObject(c, stream.id).master();
    if (!master) throw new ApiError(412, 'stream_not_active', 'The stream is not live right now.');
    const text = renderMasterPlaylist(
      master.variants.map((v) => ({ ...v, uri: `${pb}/${master.sessionId}/${v.rendition}.m3u8` })),
    );
    return playlist(c, text, LIVE);
  })
  .get('/:pb/:file', async (c) => {
    const session = stripSuffix(c.req.param('file'), '.m3u8');
    if (!session || !isIdOf('streamSession', session)) throw notFound('playlist');
    const stream = await resolvePlayback(c.get('db'), c.req.param('pb'));
    const res = await fromR2(c, recordingMasterKey(stream.id, session), {
      'content-type': PLAYLIST_TYPE,
      'cache-control': RECORDING,
    });
    if (!res) throw notFound('recording');
    return res;
  })
  .get('/:pb/:session/:file', async (c) => {
    const { session } = c.req.param();
    const rendition = stripSuffix(c.req.param('file'), '.m3u8');
    if (!rendition || !isRenditionName(rendition) || !isIdOf('streamSession', session)) throw notFound('playlist');
    const stream = await resolvePlayback(c.get('db'), c.req.param('pb'));
    const live = await streamObject(c, stream.id).mediaPlaylist(session, rendition);
    if (live) return playlist(c, live, LIVE);
    const res = await fromR2(c, recordingKey(stream.id, session, rendition), {
      'content-type': PLAYLIST_TYPE,
      'cache-control': RECORDING,
    });
    if (!res) throw notFound('playlist');
    return res;
  })
  .get('/:pb/:session/:rendition/:file', async (c) => {
    const { session, rendition } = c.req.param();
    const seq = stripSuffix(c.req.param('file'), '.ts');
    if (!seq || !/^\d{1,9}$/.test(seq) || !isRenditionName(rendition) || !isIdOf('streamSession', session))
      throw notFound('segment');
    const stream = await resolvePlayback(c.get('db'), c.req.param('pb'));
    // The key starts with the playback id's own stream, so no other stream's media is reachable.
    const res = await fromR2(c, segmentKey(stream.id, session, rendition, Number(seq)), {
      'content-type': SEGMENT_TYPE,
      'cache-control': IMMUTABLE,
    });
    if (!res) throw notFound('segment');
    return res;
  });
