import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * R2 media left to delete after its app (or org) was deleted (issue 14): one row per key prefix,
 * written in the same batch that deletes the app's rows, so nothing is forgotten if the Worker
 * dies. The Cron Trigger drains them a bounded number of objects per run; a row goes once its
 * prefix lists empty, so a run that stops part way is resumed by the next. No foreign key: the
 * app is gone by the time these run.
 */
export const mediaPurges = sqliteTable(
  'media_purges',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    prefix: text('prefix').notNull(),
    /** An unfinished tus upload's R2 multipart upload (its key is `prefix` + `source`), aborted first. */
    multipartId: text('multipart_id'),
    /**
     * Set when the row names a Durable Object rather than an R2 prefix: the namespace (`stream`,
     * `room`, `analytics`, `webhook`) whose object called `prefix` has its storage wiped.
     */
    objectNamespace: text('object_namespace', { enum: ['stream', 'room', 'analytics', 'webhook'] }),
    objectsDeleted: integer('objects_deleted').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('media_purges_created').on(t.createdAt), index('media_purges_app').on(t.appId)],
);
