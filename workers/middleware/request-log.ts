import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';

/**
 * One JSON line per request on the Worker's log (wrangler tail, Logpush): request id, method,
 * route pattern (not the raw path, so ids and tokens stay out), status, duration and the app when
 * the route was scoped to one. The id is echoed in `x-request-id` so a customer can quote it.
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  const requestId = c.req.header('cf-ray') ?? crypto.randomUUID();
  let failed = false;
  try {
    await next();
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    const scope = c.get('scope') as { appId?: string } | undefined;
    const line = {
      level: failed || c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      request_id: requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: failed ? 500 : c.res.status,
      duration_ms: Date.now() - started,
      app_id: scope?.appId ?? null,
    };
    console.log(JSON.stringify(line));
    try {
      if (!failed) c.res.headers.set('x-request-id', requestId);
    } catch {
      // Immutable headers (a WebSocket upgrade, a response passed through): the log line has it.
    }
  }
});
