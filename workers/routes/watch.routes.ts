import { type Context, Hono } from 'hono';
import type { AppEnv } from '../env';
import { notFound } from '../lib/errors';
import { renderWatchPage } from '../lib/watch-page';
import { brandOf } from '../services/branding.service';
import { recordingChat } from '../services/chat-replay.service';
import { claimOfHost } from '../services/domains.service';
import { appOrgSuspended, orgSuspended, UNAVAILABLE_PAGE } from '../services/org-gate';
import { watchModel } from '../services/watch.service';
import { channelPage, recordingPage, watchState } from './watch.views';

/**
 * Watch pages, server-rendered:
 *   /watch/{app_id}/{slug}                          on the API host
 *   /watch/{slug}                                   on a verified custom domain of the app (domains.routes.ts)
 *   .../recordings/{session_id}                     one past broadcast
 *   .../state.json                                  what the page shows, for its script after a session ends
 * `?token=` is the customer's viewer token (video when signed, chat when `chat` is in its aud);
 * without one, chat is read-only.
 */
type Ctx = Context<AppEnv>;

const HTML_HEADERS = {
  // Live state changes by the second and the page is cheap to render: no shared caching.
  'cache-control': 'private, no-store',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
};

export async function servePage(c: Ctx, appId: string, slug: string, base: string, sessionId?: string) {
  const db = c.get('db');
  if (await appOrgSuspended(db, appId)) return c.html(UNAVAILABLE_PAGE, 403, HTML_HEADERS);
  const [model, brand] = await Promise.all([watchModel(db, appId, slug), brandOf(db, appId)]);
  const origin = new URL(c.req.url).origin;
  const token = c.req.query('token') ?? null;
  const ctx = { origin, pagePath: base, token, brand };
  const page = sessionId ? recordingPage(model, ctx, sessionId) : channelPage(model, ctx);
  if (!page) throw notFound('recording');
  return c.html(renderWatchPage(page), 200, HTML_HEADERS);
}

export async function serveState(c: Ctx, appId: string, slug: string, base: string) {
  if (await appOrgSuspended(c.get('db'), appId)) throw orgSuspended();
  const model = await watchModel(c.get('db'), appId, slug);
  return c.json(watchState(model, base), 200, { 'cache-control': 'no-store' });
}

/** A past broadcast's chat, for the recording page to replay in step with the video. */
async function serveReplay(c: Ctx, appId: string, slug: string, sessionId: string) {
  const model = await watchModel(c.get('db'), appId, slug);
  const r = model.recordings.find((x) => x.session_id === sessionId);
  if (!r) throw notFound('recording');
  const replay = await recordingChat(c.env, r);
  // A past session's chat changes only by deletions: a minute of caching is fine.
  return c.json({ started_at: r.started_at, ...replay }, 200, { 'cache-control': 'public, max-age=60' });
}

const APP_ID = /^app_[0-9A-Za-z]{8,40}$/;

/**
 * Which app and which page a `/watch/...` path names. On a verified custom domain the app is the
 * domain's and the path starts at the slug; on the platform's own host the app id comes first.
 * A hostname an app has claimed but not verified serves nothing, and a domain never serves
 * another app's pages (`/watch/{other_app}/{slug}` on it is a 404).
 */
async function siteOf(c: Ctx) {
  let segs: string[];
  try {
    segs = c.req.path.split('/').slice(2).map(decodeURIComponent);
  } catch {
    return null; // a malformed %-escape names no page
  }
  const claim = await claimOfHost(c.get('db'), new URL(c.req.url).hostname);
  if (claim.kind === 'pending') return null;
  const appId = claim.kind === 'verified' ? claim.appId : segs.shift();
  const [slug, ...rest] = segs;
  if (!appId || !APP_ID.test(appId) || !slug) return null;
  const base = claim.kind === 'verified' ? `/watch/${slug}` : `/watch/${appId}/${slug}`;
  return { appId, slug, base, rest };
}

export const watchRoutes = new Hono<AppEnv>().get('/*', async (c) => {
  const site = await siteOf(c);
  if (!site) throw notFound('page');
  const { appId, slug, base, rest } = site;
  if (rest.length === 0) return servePage(c, appId, slug, base);
  if (rest.length === 1 && rest[0] === 'state.json') return serveState(c, appId, slug, base);
  if (rest.length === 2 && rest[0] === 'recordings') return servePage(c, appId, slug, base, rest[1]);
  if (rest.length === 3 && rest[0] === 'recordings' && rest[2] === 'chat.json')
    return serveReplay(c, appId, slug, rest[1]!);
  throw notFound('page');
});
