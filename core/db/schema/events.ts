import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Every lifecycle change, as the customer sees it in `GET /v1/events` and in webhooks.
 * `data` is the object as the API returns it, at the time of the event. The table is also the
 * outbox of webhook deliveries (core/events.ts): `delivered_at` is null until the event has been
 * handed to every subscribed endpoint's queue.
 */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    type: text('type').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [
    index('events_app_time').on(t.appId, t.createdAt),
    index('events_object').on(t.objectId, t.createdAt),
    // `GET /v1/events?type=...` within one app.
    index('events_app_type_time').on(t.appId, t.type, t.createdAt),
    // The outbox: only undelivered rows are in it, so the sweeper and the per-object backlog
    // check read a handful of entries however many events an object has.
    index('events_undelivered').on(t.objectId, t.createdAt).where(sql`${t.deliveredAt} IS NULL`),
  ],
);
