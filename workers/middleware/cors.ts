import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';

/** Where `./edgelive start` serves the console when nothing else is configured. */
export const LOCAL_CONSOLE_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173'];

const ALLOW_HEADERS = 'Authorization, Content-Type, Idempotency-Key';
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * The origins whose pages may use a console session: the API's own origin, CONSOLE_ORIGINS
 * (comma-separated), the origin of CONSOLE_URL, and in development the local console.
 */
export function consoleOrigins(c: Context<AppEnv>): Set<string> {
  const out = new Set<string>([new URL(c.req.url).origin]);
  for (const o of (c.env.CONSOLE_ORIGINS ?? '').split(','))
    if (URL.canParse(o.trim())) out.add(new URL(o.trim()).origin);
  if (URL.canParse(c.env.CONSOLE_URL ?? '')) out.add(new URL(c.env.CONSOLE_URL!).origin);
  if (c.env.ENVIRONMENT !== 'production') for (const o of LOCAL_CONSOLE_ORIGINS) out.add(o);
  return out;
}

/**
 * CORS for `/v1`. Customer backends use API keys and browsers use viewer tokens, so any origin
 * may call without credentials (`Access-Control-Allow-Origin: *`); only the console's origins get
 * `Allow-Credentials`, so no other page can read an answer made with the session cookie. (Writes
 * with the cookie from elsewhere are refused by middleware/csrf.ts: CORS only hides answers.)
 */
export const cors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('origin');
  const credentialed = origin !== undefined && consoleOrigins(c).has(origin);
  const set = (h: Headers) => {
    h.set('Access-Control-Allow-Origin', credentialed ? origin : '*');
    if (credentialed) h.set('Access-Control-Allow-Credentials', 'true');
    h.append('Vary', 'Origin');
  };
  if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
    const res = new Response(null, { status: 204 });
    set(res.headers);
    res.headers.set('Access-Control-Allow-Methods', ALLOW_METHODS);
    res.headers.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.headers.set('Access-Control-Max-Age', '600');
    return res;
  }
  await next();
  if (!origin) return;
  // A WebSocket answer (101) has immutable headers and no CORS anyway.
  if (c.res.status === 101) return;
  set(c.res.headers);
  c.res.headers.set(
    'Access-Control-Expose-Headers',
    'Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Idempotent-Replayed',
  );
});
