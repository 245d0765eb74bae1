import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { hitPlanRate } from '../services/plan-rate.service';
import { anonLimitOf, keyLimitOf, limiterFor, WINDOW_SECONDS } from '../services/rate-limit';
import { clientIp } from './audit';

/**
 * Counts the request against its API key, or (with no credentials at all) against the caller's
 * address; console sessions are people clicking, bounded by roles and the sign-in throttle. The
 * answer carries `RateLimit-Limit/Remaining/Reset` (IETF draft-ietf-httpapi-ratelimit-headers);
 * past the limit it is 429 `rate_limited` with `Retry-After`. One key's burst never touches another's.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.get('actor');
  // Room sockets carry a viewer's chat token and have the room's own message limits.
  if (actor?.type === 'user' || c.req.header('upgrade')?.toLowerCase() === 'websocket') return next();
  const [key, limit] =
    actor?.type === 'api_key'
      ? [`key:${actor.id}`, keyLimitOf(c.env, actor.rateLimit)]
      : [`ip:${clientIp(c) ?? 'unknown'}`, anonLimitOf(c.env)];
  // The plan's per-org figure counts beside the key's own (services/plan-rate.service.ts).
  const [d] = await Promise.all([
    limiterFor(c.get('db'), c.env).hit(key, limit),
    actor?.type === 'api_key' ? hitPlanRate(c.get('db'), c.env, actor.appId) : undefined,
  ]);
  const headers: Record<string, string> = {
    'RateLimit-Limit': String(d.limit),
    'RateLimit-Reset': String(d.resetSeconds),
    'RateLimit-Policy': `${d.limit};w=${WINDOW_SECONDS}`,
  };
  if (d.remaining !== null) headers['RateLimit-Remaining'] = String(d.remaining);
  if (!d.allowed) {
    throw new ApiError(
      429,
      'rate_limited',
      `Too many requests: ${d.limit} per ${WINDOW_SECONDS} s ${actor ? 'for this API key' : 'from this address'}.`,
      { limit: d.limit, window_seconds: WINDOW_SECONDS },
      { ...headers, 'Retry-After': String(d.resetSeconds) },
    );
  }
  await next();
  for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
});
