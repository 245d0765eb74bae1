import type { Env } from '../core/env';
// First: the API's schemas extend zod before anything else builds one.
import { app } from './app';
import { scheduled } from './scheduled';

export { AnalyticsObject } from '../durable-objects/analytics/analytics.do';
export { MediaJobQueueObject } from '../durable-objects/media-jobs/media-jobs.do';
export { RoomObject } from '../durable-objects/room/room.do';
export { RoomShardObject } from '../durable-objects/room-shard/room-shard.do';
export { StreamObject } from '../durable-objects/stream/stream.do';
export { WebhookEndpointObject } from '../durable-objects/webhook-endpoint/webhook-endpoint.do';

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
