import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The last heartbeat of each media origin (`POST /internal/origin/heartbeat`), read by `/v1/status`. */
export const originHeartbeats = sqliteTable('origin_heartbeats', {
  originId: text('origin_id').primaryKey(),
  lastSeenAt: integer('last_seen_at').notNull(),
  /** Live publications the origin reported with its last heartbeat. */
  publications: integer('publications').notNull(),
});
