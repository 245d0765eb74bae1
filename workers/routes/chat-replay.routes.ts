import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../env';
import { badRequest, notFound } from '../lib/errors';
import { assetChat } from '../services/asset-chat.service';
import { jobAsset } from '../services/media-jobs.service';
import { authorize, resolvePlayback } from '../services/playback.service';
import { resolveVodPlayback } from '../services/vod-playback.service';

/**
 * `GET /chat-replay/{asset_playback_id}?token=&from=&to=&cursor=` (issue 14): an asset's chat by
 * media time for the players (the embed and @edgelive/client's `useChatReplay`), which hold a
 * playback id and maybe a viewer token, never an API key. The same page as
 * `GET /v1/assets/{id}/chat`, under the playback id's policy: a signed id needs the token it
 * plays with (`aud` = `v`). A stream's live playback id has no replay (404).
 */
const seconds = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 86_400) throw badRequest(`${name} must be seconds between 0 and 86400.`);
  return n;
};

export const chatReplayRoutes = new Hono<AppEnv>()
  .use('*', cors({ origin: '*', allowMethods: ['GET', 'OPTIONS'] }))
  .get('/:pb', async (c) => {
    const id = c.req.param('pb');
    const vod = await resolveVodPlayback(c.get('db'), id);
    const { pb, assetId } = vod
      ? { pb: vod, assetId: vod.asset.id }
      : await resolvePlayback(c.get('db'), id).then((p) => ({ pb: p, assetId: p.asset?.id }));
    await authorize(c.get('db'), pb, 'playlist', {
      token: c.req.query('token'),
      grant: undefined,
      referer: c.req.header('referer'),
      selfHost: new URL(c.req.url).hostname,
      grantSecret: c.env.PLAYBACK_GRANT_SECRET,
    });
    if (!assetId) throw notFound('chat replay');
    const limit = Number(c.req.query('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest('limit must be 1-100.');
    const page = await assetChat(c.get('db'), c.env, await jobAsset(c.get('db'), assetId), {
      from: seconds(c.req.query('from'), 'from'),
      to: seconds(c.req.query('to'), 'to'),
      limit,
      cursor: c.req.query('cursor'),
    });
    // A recording's chat is final once it ended; a viewer's token may still expire, so nothing shared.
    return c.json(page, 200, { 'cache-control': 'private, max-age=60' });
  });
