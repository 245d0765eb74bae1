import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { streams } from './streams';

/**
 * Where a stream is restreamed (YouTube, Twitch, another RTMP server). The stream key of the
 * third-party service is a secret of the customer's: sealed with AES-GCM (core/secret-box.ts,
 * purpose `simulcast_key`), opened only for the origin that runs the stream's live session. `status` is what the origin last
 * reported; `revision` grows on every change of url, key or enabled so the origin can tell a
 * target it must restart from one it already pushes.
 */
export const simulcastTargets = sqliteTable(
  'simulcast_targets',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    streamId: text('stream_id')
      .notNull()
      .references(() => streams.id, { onDelete: 'cascade' }),
    name: text('name'),
    /** The RTMP(S) URL without the key part; the key is in `stream_key_sealed`. */
    url: text('url').notNull(),
    streamKeySealed: text('stream_key_sealed'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: ['idle', 'starting', 'broadcasting', 'errored'] }).notNull(),
    lastError: text('last_error'),
    nextRetryAt: integer('next_retry_at'),
    revision: integer('revision').notNull().default(1),
    /** Which rendition is pushed: null for the program's source, copied; a rung name (`360p`) is encoded at that rung. */
    rendition: text('rendition'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('simulcast_targets_stream').on(t.streamId, t.createdAt)],
);
