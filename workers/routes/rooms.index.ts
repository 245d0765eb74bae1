import { createAppRouter } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { roomConnectorRoutes } from './room-connectors.routes';
import { roomMessageRoutes } from './room-messages.routes';
import { roomModerationRoutes } from './room-moderation.routes';
import { roomCrudRoutes } from './rooms.routes';

/** The `rooms` app resource: CRUD, history and moderation under one mount. */
export const roomRoutes = createAppRouter();
// Registered before the routes so the tenant check runs ahead of any body validation.
roomRoutes.use('/:room_id', inScope('room'));
roomRoutes.use('/:room_id/*', inScope('room'));
roomRoutes
  .route('/', roomCrudRoutes)
  .route('/', roomMessageRoutes)
  .route('/', roomModerationRoutes)
  .route('/', roomConnectorRoutes);
