import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Fixed-window request counters (`key:<id>` per API key, `ip:<addr>` per address), one row each,
 * bumped by one UPSERT that also returns the count. The local limiter; production can use the
 * Workers Rate Limiting binding behind the same interface (workers/services/rate-limit.ts).
 */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});
