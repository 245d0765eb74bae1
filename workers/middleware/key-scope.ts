import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { allows, requiredScope } from '../lib/api-scopes';
import { ApiError } from '../lib/errors';

/**
 * Mounted by app.ts ahead of each app resource (both mounts): an API key without the scope the
 * route needs gets 403 `insufficient_scope` naming it. Console sessions are governed by roles.
 */
export const keyScope = (mountName: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get('actor');
    if (actor?.type === 'api_key') {
      const needed = requiredScope(mountName, c.req.method);
      if (!allows(actor.scopes, needed)) {
        throw new ApiError(403, 'insufficient_scope', `This API key lacks the scope ${needed}.`, {
          required_scope: needed,
          granted_scopes: actor.scopes,
        });
      }
    }
    await next();
  });
