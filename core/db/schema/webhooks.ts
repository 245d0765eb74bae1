import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Where an app's events are delivered. The queue, retries and the delivery log live in the
 * endpoint's Durable Object (WebhookEndpointObject); D1 holds what the API lists and what the
 * object reads before each round of deliveries.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** Subscription patterns (`*`, `stream.*`, `room.created`), see @edgelive/shared. */
    eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    /** Why it is disabled: the customer did it, or we did after it failed for days / answered 410. */
    disabledReason: text('disabled_reason', { enum: ['manual', 'failing', 'gone'] }),
    disabledAt: integer('disabled_at'),
    /** First failure of the current unbroken run of failures; cleared by any success. */
    failingSince: integer('failing_since'),
    /**
     * `whsec_...`. Kept readable because signing needs it (HMAC); the API shows it only when it
     * is created or rotated.
     */
    secret: text('secret').notNull(),
    /** The secret before the last rotation, still signed with until `previous_secret_expires_at`. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: integer('previous_secret_expires_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_app').on(t.appId, t.createdAt)],
);
