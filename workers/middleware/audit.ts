import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { auditLog } from '../../core/db/schema/index';
import { newId } from '../../core/ids';
import type { AppEnv } from '../env';

/** The caller's address as Cloudflare (or, locally, a proxy) reports it. */
export const clientIp = (c: Context) =>
  c.req.header('cf-connecting-ip') ?? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? null;

/**
 * Records every change (any non-read request that reached a scope) after it ran: who, what,
 * which resource, from where, when, and whether it succeeded. Handlers name the action with
 * `c.set('audit', ...)`; a request that failed before naming one is recorded by its route.
 */
export const auditChanges = createMiddleware<AppEnv>(async (c, next) => {
  if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
  let failed = false;
  try {
    await next();
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    const scope = c.get('scope') as AppEnv['Variables']['scope'] | undefined;
    const actor = c.get('actor');
    if (scope && actor) {
      const note = c.get('audit') as AppEnv['Variables']['audit'] | undefined;
      const success = !failed && c.res.status < 400;
      const row = {
        id: newId('audit'),
        orgId: scope.orgId,
        appId: scope.appId,
        actorType: actor.type,
        actorId: actor.id,
        action: note?.action ?? `${c.req.method} ${c.req.routePath}`,
        resourceType: note?.resourceType ?? 'unknown',
        resourceId: note?.resourceId ?? null,
        ip: clientIp(c),
        success,
        details: note?.details ?? null,
        createdAt: Date.now(),
      };
      // Awaited, not waitUntil: an audit row must exist by the time the caller sees the answer.
      await c.get('db').insert(auditLog).values(row).run();
    }
  }
});
