import { type Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import { isIdOf } from '../../core/ids';
import { IMMUTABLE, thumbnailKey } from '../../core/media-keys';
import type { AppEnv } from '../env';
import { badRequest, notFound } from '../lib/errors';
import { serveMedia } from '../services/media-cache';
import { authorize, type Playback, resolvePlayback } from '../services/playback.service';
import { clipFrames, latestSessionId, nearestFrame } from '../services/thumbnails.service';
import { resolveVodPlayback } from '../services/vod-playback.service';

/**
 * `GET /thumbnails/{playback_id}.jpg`: the latest poster frame of the stream, or with `?time=<s>`
 * the frame nearest that offset into a session (the latest session, or `?session=`), e.g. for a
 * recording's scrub preview. Same policy as the video, with `aud` = `t` for signed ids. A clip's
 * id serves its recording's frames on the clip's own timeline (poster: its middle).
 */

/** The origin posts a new latest frame every few seconds. */
const LATEST = 'public, max-age=5';
const JPEG = 'image/jpeg';

/** `?session=` when given (checked for its kind), else the stream's newest session. */
function sessionFor(c: Context<AppEnv>, pb: Playback): Promise<string> {
  const asked = c.req.query('session');
  // An asset's playback id opens its own session's frames only.
  if (pb.asset) return Promise.resolve(pb.asset.sessionId);
  if (asked === undefined) return latestSessionId(c.get('db'), pb.stream.id);
  if (!isIdOf('streamSession', asked)) throw badRequest('?session= must be a session id (lsn_...).');
  return Promise.resolve(asked);
}

export const thumbnailRoutes = new Hono<AppEnv>()
  .use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['ETag'] }))
  .use('*', async (c, next) => {
    await next();
    if (c.res.status >= 400) c.res.headers.set('cache-control', 'no-store');
  })
  .get('/:file', async (c) => {
    const file = c.req.param('file');
    if (!file.endsWith('.jpg')) throw notFound('thumbnail');
    const timeText = c.req.query('time');
    let time = timeText === undefined ? null : Number(timeText);
    if (time !== null && (!Number.isFinite(time) || time < 0 || time > 7 * 86400))
      throw badRequest('?time= must be seconds from the start of the session (0 or more).');
    const db = c.get('db');
    const gate = {
      token: c.req.query('token'),
      grant: undefined,
      referer: c.req.header('referer'),
      selfHost: new URL(c.req.url).hostname,
      grantSecret: c.env.PLAYBACK_GRANT_SECRET,
    };
    // A clip (or upload) id has a tree of its own rather than a stream's recording.
    const vod = await resolveVodPlayback(db, file.slice(0, -4));
    if (vod) {
      await authorize(db, vod, 'thumbnail', gate);
      const frames = await clipFrames(db, vod);
      if (!frames) throw notFound('thumbnail');
      const at = frames.offsetS + (time ?? (vod.asset.durationS ?? 0) / 2);
      const key = await nearestFrame(c.env, frames.streamId, frames.sessionId, at);
      // A clip still being trimmed moves its start (and middle) when the job completes.
      const cacheControl = vod.asset.trimStatus === 'preparing' ? LATEST : IMMUTABLE;
      const res = key && (await serveMedia(c, key, { contentType: JPEG, cacheControl, cacheable: true }));
      if (!res) throw notFound('thumbnail');
      return res;
    }
    const pb = await resolvePlayback(db, file.slice(0, -4));
    await authorize(db, pb, 'thumbnail', gate);
    // An asset has no "latest" frame: its poster is the one from the middle (as Mux's default).
    if (time === null && pb.asset) time = (pb.asset.durationS ?? 0) / 2;
    if (time === null) {
      const res = await serveMedia(c, thumbnailKey(pb.stream.id), {
        contentType: JPEG,
        cacheControl: LATEST,
        cacheable: false,
      });
      if (!res) throw notFound('thumbnail');
      return res;
    }
    const key = await nearestFrame(c.env, pb.stream.id, await sessionFor(c, pb), time);
    const res = key && (await serveMedia(c, key, { contentType: JPEG, cacheControl: IMMUTABLE, cacheable: true }));
    if (!res) throw notFound('thumbnail');
    return res;
  });
