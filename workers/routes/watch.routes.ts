import { type Context, Hono } from 'hono';
import type { AppEnv } from '../env';
import { notFound } from '../lib/errors';
import { renderWatchPage } from '../lib/watch-page';
import { brandOf } from '../services/branding.service';
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

/** The pages of one app under `prefix`, for both mounts. */
export function watchPages(resolve: (c: Ctx) => Promise<{ appId: string; base: string } | null>) {
  const at = async (c: Ctx) => {
    const r = await resolve(c);
    if (!r) throw notFound('page');
    return r;
  };
  return new Hono<AppEnv>()
    .get('/:slug/state.json', async (c) => {
      const r = await at(c);
      return serveState(c, r.appId, c.req.param('slug'), r.base);
    })
    .get('/:slug/recordings/:session', async (c) => {
      const r = await at(c);
      return servePage(c, r.appId, c.req.param('slug'), r.base, c.req.param('session'));
    })
    .get('/:slug', async (c) => {
      const r = await at(c);
      return servePage(c, r.appId, c.req.param('slug'), r.base);
    });
}

/** On the API host the app is in the path. */
export const watchRoutes = new Hono<AppEnv>().route(
  '/:app_id',
  watchPages(async (c) => {
    const appId = c.req.param('app_id') ?? '';
    const slug = c.req.param('slug') ?? '';
    return /^app_[0-9A-Za-z]{8,40}$/.test(appId) ? { appId, base: `/watch/${appId}/${slug}` } : null;
  }),
);
