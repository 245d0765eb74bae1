import { createRouter } from '../lib/router';
import { roomScope } from '../middleware/room-scope';
import { roomMessageRoutes } from './room-messages.routes';
import { roomModerationRoutes } from './room-moderation.routes';
import { roomCrudRoutes } from './rooms.routes';

/** The `rooms` app resource: CRUD, history and moderation under one mount. */
export const roomRoutes = createRouter();
// Registered before the routes so the tenant check runs ahead of any body validation.
roomRoutes.use('/:room_id', roomScope);
roomRoutes.use('/:room_id/*', roomScope);
roomRoutes.route('/', roomCrudRoutes).route('/', roomMessageRoutes).route('/', roomModerationRoutes);
