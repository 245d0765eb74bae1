import { app } from './app';
import type { Env } from './env';

export { StreamObject } from '../durable-objects/stream.do';

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
