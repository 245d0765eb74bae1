import { app } from './app';
import type { Env } from './env';

export { RoomObject } from '../durable-objects/room/room.do';

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
