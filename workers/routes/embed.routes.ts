import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { renderEmbedPage } from '../lib/embed-page';
import { ApiError, notFound } from '../lib/errors';
import { checkReferrer, type ReferrerPolicy } from '../lib/referrer';
import { brandOf } from '../services/branding.service';
import { resolvePlayback } from '../services/playback.service';
import { resolveVodPlayback } from '../services/vod-playback.service';

/**
 * `GET /embed/{playback_id}?token=&thumbnail_token=&autoplay=&muted=&chat=`: a page a customer iframes.
 * An asset's id (a recording, a clip, an upload) also shows its chat replay in step with the
 * video (`/chat-replay/{playback_id}`, same token), unless `chat=0`.
 * The token is passed through to the master playlist untouched (the Worker checks it there, so a
 * bad one shows as the player's error, and no token is verified twice). This page is where the
 * app's referrer restriction meets the customer's page: the player's own requests carry this
 * page as their Referer, which the media routes accept as ours; `frame-ancestors` makes the
 * browser enforce the same list on the iframe itself.
 */
const SCRIPT = '/player/embed.js';

export function frameAncestors(p: ReferrerPolicy): string {
  const list = p.allowed_referrers;
  if (list === undefined || list.includes('*')) return '*';
  return ["'self'", ...list.flatMap((h) => [`https://${h}`, `http://${h}`])].join(' ');
}

const flag = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === '1' || v === 'true');

export const embedRoutes = new Hono<AppEnv>().get('/:pb', async (c) => {
  // An upload's asset has no stream; it plays as a VOD like a recording.
  const vod = await resolveVodPlayback(c.get('db'), c.req.param('pb'));
  const pb = vod
    ? { ...vod, latencyMode: 'standard' as const, dvr: false }
    : await resolvePlayback(c.get('db'), c.req.param('pb')).then(
        (p) => ({ ...p, latencyMode: p.stream.latencyMode, dvr: !p.asset && p.stream.dvrWindowS > 0 }),
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 404) throw notFound('playback id');
          throw err;
        },
      );
  const ref = checkReferrer(pb.restrictions, c.req.header('referer'), new URL(c.req.url).hostname);
  if (!ref.ok) throw new ApiError(403, ref.code, ref.message);

  const token = c.req.query('token');
  const thumbToken = c.req.query('thumbnail_token');
  const q = (t: string | undefined) => (t ? `?token=${encodeURIComponent(t)}` : '');
  const autoplay = flag(c.req.query('autoplay'), true);
  const html = renderEmbedPage(
    {
      playbackId: pb.id,
      src: `/hls/${pb.id}.m3u8${q(token)}`,
      // A signed id needs a `t` token for its poster; without one the player simply has none.
      // An upload's asset has no poster frames yet.
      poster: !vod && (pb.policy === 'public' || thumbToken) ? `/thumbnails/${pb.id}.jpg${q(thumbToken)}` : null,
      latencyMode: pb.latencyMode,
      dvr: pb.dvr,
      chatReplay: pb.asset && flag(c.req.query('chat'), true) ? `/chat-replay/${pb.id}${q(token)}` : undefined,
      autoplay,
      // Unmuted autoplay is refused by browsers; muted is the default whenever autoplay is on.
      muted: flag(c.req.query('muted'), autoplay),
    },
    SCRIPT,
    await brandOf(c.get('db'), pb.appId).then((b) => (b.custom ? b.name : undefined)),
  );
  return c.html(html, 200, {
    'cache-control': 'private, no-store',
    'content-security-policy': `frame-ancestors ${frameAncestors(pb.restrictions)}`,
    'referrer-policy': 'same-origin',
  });
});
