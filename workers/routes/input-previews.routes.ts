import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { isIdOf } from '../../core/ids';
import { SEGMENT_TYPE } from '../../core/media-keys';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { previewAdmits, previewPlaylist, previewSegment } from '../services/input-preview.service';

/**
 * The console's per-camera players (input-preview.service.ts):
 *   /previews/{input}.m3u8?g=        the input's live preview playlist   (playlist grant)
 *   /previews/{input}/{n}.ts?g=      one of its segments                 (the grants it hands out)
 * No cookie: the URL is the credential, handed out to the stream's owner by the inputs API.
 */
const inputOf = (raw: string, suffix: string) => {
  const id = raw.endsWith(suffix) ? raw.slice(0, -suffix.length) : '';
  if (!isIdOf('streamInput', id)) throw notFound('preview');
  return id;
};

const forbidden = () =>
  new ApiError(403, 'forbidden', 'The preview URL is invalid or expired; ask the inputs API again.');

export const inputPreviewRoutes = new Hono<AppEnv>()
  .use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'], maxAge: 86400 }))
  .use('*', async (c, next) => {
    await next();
    c.res.headers.set('cache-control', c.res.status >= 400 ? 'no-store' : 'private, max-age=1');
  })
  .get('/:file', async (c) => {
    const inputId = inputOf(c.req.param('file'), '.m3u8');
    const nowMs = Date.now();
    const grant = c.req.query('g') ?? '';
    if (!(await previewAdmits(c.env.PLAYBACK_GRANT_SECRET, grant, inputId, 'p', Math.floor(nowMs / 1000))))
      throw forbidden();
    const pl = await previewPlaylist(c.env.MEDIA, c.env.PLAYBACK_GRANT_SECRET, inputId, nowMs);
    if (!pl) throw notFound('preview (the input is not publishing)');
    return c.body(pl.text, 200, { 'content-type': pl.type });
  })
  .get('/:input/:file', async (c) => {
    const inputId = c.req.param('input');
    if (!isIdOf('streamInput', inputId)) throw notFound('preview segment');
    const m = /^(\d{1,9})\.ts$/.exec(c.req.param('file'));
    if (!m) throw notFound('preview segment');
    const n = Number(m[1]);
    const grant = c.req.query('g') ?? '';
    if (!(await previewAdmits(c.env.PLAYBACK_GRANT_SECRET, grant, inputId, 's', Math.floor(Date.now() / 1000))))
      throw forbidden();
    const obj = await previewSegment(c.env.MEDIA, inputId, n);
    if (!obj) throw notFound('preview segment');
    return c.body(obj.body, 200, { 'content-type': SEGMENT_TYPE });
  });
