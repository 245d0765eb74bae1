import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The last heartbeat of each media origin (`POST /internal/origin/heartbeat`, every 5 s): the
 * fleet's registry. Read by `/v1/status`, `GET /v1/origins` and by whoever hands a publisher its
 * ingest URLs (the least-loaded healthy origin, packages/shared/src/origin-fleet.ts).
 */
export const originHeartbeats = sqliteTable('origin_heartbeats', {
  originId: text('origin_id').primaryKey(),
  lastSeenAt: integer('last_seen_at').notNull(),
  /** Live publications the origin reported with its last heartbeat. */
  publications: integer('publications').notNull(),
  /** Its ingest URLs (`IngestUrls` JSON: rtmp, rtmps, srt, whip); null from an origin that sent none. */
  ingest: text('ingest'),
  /** Load average over cores at the last heartbeat. */
  cpu: real('cpu'),
  backlogBytes: integer('backlog_bytes'),
  /** When it was first heard from. */
  registeredAt: integer('registered_at'),
});
