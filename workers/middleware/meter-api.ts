import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { meter } from '../lib/usage';

/**
 * Counts `api_requests` for the app a request reached (known once the scope middleware ran inside
 * `next()`), refused ones included: they were served too. Org and auth routes belong to no app.
 */
export const meterApiRequests = createMiddleware<AppEnv>(async (c, next) => {
  try {
    await next();
  } finally {
    const appId = (c.get('scope') as AppEnv['Variables']['scope'] | undefined)?.appId;
    if (appId) meter(c, { appId, meter: 'api_requests', quantity: 1 });
  }
});
