import type { Env } from '../core/env';
import { app } from './app';

export { AnalyticsObject } from '../durable-objects/analytics/analytics.do';
export { RoomObject } from '../durable-objects/room/room.do';
export { StreamObject } from '../durable-objects/stream/stream.do';
export { WebhookEndpointObject } from '../durable-objects/webhook-endpoint/webhook-endpoint.do';

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
