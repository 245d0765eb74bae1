import { type Context, Hono } from 'hono';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { checkReferrer } from '../lib/referrer';
import { renderWatchPage } from '../lib/watch-page';
import { brandOf } from '../services/branding.service';
import { resolvePlayback } from '../services/playback.service';
import { roomOfStream } from '../services/rooms.service';
import { frameAncestors } from './embed.routes';

/**
 * For customers who iframe: `/embed/{pb}/chat` (the stream's chat alone) and `/embed/{pb}?chat=1`
 * (player and chat side by side), both in the app's brand. Plain `/embed/{pb}` stays the video-only
 * player of embed.routes.ts (this router is mounted first and passes those on).
 */
type Ctx = Context<AppEnv>;

async function embedPage(c: Ctx, mode: 'embed' | 'chat') {
  const db = c.get('db');
  const pb = await resolvePlayback(db, c.req.param('pb') ?? '').catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) throw notFound('playback id');
    throw err;
  });
  const ref = checkReferrer(pb.restrictions, c.req.header('referer'), new URL(c.req.url).hostname);
  if (!ref.ok) throw new ApiError(403, ref.code, ref.message);
  const [room, brand] = await Promise.all([
    roomOfStream(db, pb.stream.appId, pb.stream.id),
    brandOf(db, pb.stream.appId),
  ]);
  const status = pb.stream.liveStatus === 'active' ? 'live' : pb.stream.liveStatus;
  const html = renderWatchPage({
    brand,
    meta: {
      title: `${pb.stream.name} · ${brand.name}`,
      description: pb.stream.name,
      url: c.req.url,
      image: null,
      noindex: true,
    },
    config: {
      mode,
      stream: {
        id: pb.stream.id,
        playback_id: pb.id,
        room_id: room?.id ?? null,
        status,
        latency_mode: pb.stream.latencyMode,
      },
      recordingSrc: null,
      token: c.req.query('token') ?? null,
      stateUrl: null,
      pagePath: null,
      chat: !!room,
      labels: { offline: 'Offline', watching: 'watching', readOnly: 'Chat is read-only here.' },
    },
    heading: pb.stream.name,
    card: null,
    recordings: null,
    state: mode === 'chat' || status !== 'idle' ? 'live' : 'offline',
  });
  return c.html(html, 200, {
    'cache-control': 'private, no-store',
    'content-security-policy': `frame-ancestors ${frameAncestors(pb.restrictions)}`,
    'referrer-policy': 'same-origin',
  });
}

export const watchEmbedRoutes = new Hono<AppEnv>()
  .get('/:pb/chat', (c) => embedPage(c, 'chat'))
  .get('/:pb', async (c, next) => {
    if (c.req.query('chat') !== '1') return next();
    return embedPage(c, 'embed');
  });
