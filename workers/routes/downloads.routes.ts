import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { createDb } from '../../core/db/client';
import { mp4Key } from '../../core/media-keys';
import type { AppEnv } from '../env';
import { parseRange } from '../lib/byte-range';
import { ApiError, notFound } from '../lib/errors';
import { jobAsset } from '../services/media-jobs.service';
import { authorize, resolvePlayback } from '../services/playback.service';
import { resolveVodPlayback } from '../services/vod-playback.service';

/**
 * `GET /downloads/{playback_id}/highest.mp4`: an asset's MP4 (Mux's static renditions), under the
 * playback id's policy; a signed id needs a token with `aud` = `d`. Byte ranges are read from R2
 * as ranges, so seeking in a large file never pulls the whole object through the Worker.
 */
export const downloadRoutes = new Hono<AppEnv>()
  .use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'OPTIONS'],
      allowHeaders: ['Range'],
      exposeHeaders: ['Content-Length', 'Content-Range', 'ETag'],
    }),
  )
  .use('*', async (c, next) => {
    await next();
    if (c.res.status >= 400) c.res.headers.set('cache-control', 'no-store');
  })
  .get('/:pb/:file', async (c) => {
    if (c.req.param('file') !== 'highest.mp4') throw notFound('download');
    // An upload's or a clip's id (its own tree), else a recording's (or a stream's, which has none).
    const vod = await resolveVodPlayback(c.get('db'), c.req.param('pb'));
    const { pb, assetId } = vod
      ? { pb: vod, assetId: vod.asset.id }
      : await resolvePlayback(c.get('db'), c.req.param('pb')).then((p) => ({ pb: p, assetId: p.asset?.id }));
    await authorize(c.get('db'), pb, 'download', {
      token: c.req.query('token'),
      grant: undefined,
      referer: c.req.header('referer'),
      selfHost: new URL(c.req.url).hostname,
      grantSecret: c.env.PLAYBACK_GRANT_SECRET,
    });
    if (!assetId) throw notFound('download');
    const asset = await jobAsset(createDb(c.env.DB), assetId);
    if (asset.mp4Status !== 'ready')
      throw new ApiError(
        412,
        'download_not_ready',
        asset.mp4Status ? `The MP4 is ${asset.mp4Status}.` : 'This asset has no MP4 (mp4_support is none).',
      );
    const key = mp4Key(asset.id);
    const meta = await c.env.MEDIA.head(key);
    if (!meta) throw notFound('download');
    const headers: Record<string, string> = {
      'content-type': 'video/mp4',
      'accept-ranges': 'bytes',
      etag: meta.httpEtag,
      'cache-control': pb.policy === 'public' ? 'public, max-age=3600' : 'private, max-age=0',
      'content-disposition': `attachment; filename="${asset.id}.mp4"`,
    };
    const range = parseRange(c.req.header('range'), meta.size);
    if (range === 'unsatisfiable') return c.body(null, 416, { ...headers, 'content-range': `bytes */${meta.size}` });
    const head = c.req.method === 'HEAD';
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
      headers['content-length'] = String(range.end - range.start + 1);
      const obj = head
        ? null
        : await c.env.MEDIA.get(key, { range: { offset: range.start, length: range.end - range.start + 1 } });
      return new Response(obj?.body ?? null, { status: 206, headers });
    }
    headers['content-length'] = String(meta.size);
    const obj = head ? null : await c.env.MEDIA.get(key);
    return new Response(obj?.body ?? null, { status: 200, headers });
  });
