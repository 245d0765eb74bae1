import { createRouter } from '../lib/router';
import { roomMessageRoutes } from './room-messages.routes';
import { roomModerationRoutes } from './room-moderation.routes';
import { roomCrudRoutes } from './rooms.routes';

/** The `rooms` app resource: CRUD, history and moderation under one mount. */
export const roomRoutes = createRouter()
  .route('/', roomCrudRoutes)
  .route('/', roomMessageRoutes)
  .route('/', roomModerationRoutes);
