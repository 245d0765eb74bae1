import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { findRoom } from '../services/rooms.service';

/**
 * Every `/rooms/{room_id}/...` route: the room must belong to the caller's app. Checked before the
 * body is validated, so another tenant's room id answers 404 whatever the request carries.
 */
export const roomScope = createMiddleware<AppEnv>(async (c, next) => {
  await findRoom(c.get('db'), c.get('scope').appId!, c.req.param('room_id') ?? '');
  await next();
});
