import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { SESSION_COOKIE } from '../lib/session';
import { consoleOrigins } from './cors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery: a browser attaches the session cookie to a form post or a socket
 * opened by any page. A request that authenticates with the cookie (no Authorization header) and
 * changes something, or opens a WebSocket, must come from the console: `Sec-Fetch-Site:
 * same-origin` (the console behind its proxy), or an `Origin` of the console. Requests with
 * neither header come from no browser (curl with a copied cookie is its owner). Bearer and API-key
 * calls carry their credential explicitly and are not affected.
 */
export const csrf = createMiddleware<AppEnv>(async (c, next) => {
  const upgrade = c.req.header('upgrade')?.toLowerCase() === 'websocket';
  if ((SAFE_METHODS.has(c.req.method) && !upgrade) || c.req.header('authorization') || !getCookie(c, SESSION_COOKIE))
    return next();
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const allowed =
    site === 'same-origin' ||
    (origin !== undefined ? consoleOrigins(c).has(origin) : site === undefined || site === 'none');
  if (!allowed)
    throw new ApiError(
      403,
      'cross_site_request',
      'Requests made with the session cookie must come from the console; this Origin is not allowed.',
    );
  return next();
});
