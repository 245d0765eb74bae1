import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * `Idempotency-Key` records (workers/middleware/idempotency.ts): one row per app and key, holding
 * a fingerprint of the first request and, once it finished, the answer it got, so a retry with the
 * same key replays that answer for 24 hours instead of creating the thing twice.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    appId: text('app_id').notNull(),
    key: text('key').notNull(),
    /** sha256 of method, path and body: the same key with another request is refused. */
    fingerprint: text('fingerprint').notNull(),
    /** null while the first request is still running. */
    status: integer('status'),
    contentType: text('content_type'),
    body: text('body'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.key] })],
);
