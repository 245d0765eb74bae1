import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { streams } from './streams';

/**
 * The publishers of a multi-camera stream. The stream's own key is its first input
 * (`primary`: no key columns here, the stream row holds it, so `reset-stream-key` needs nothing
 * else); every other input has a key of its own, kept like a stream key: sealed
 * (core/secret-box.ts, purpose `stream_key`) for the owner to read back, and hashed for the
 * publish lookup. `connected_at`/`origin_id` say whether it publishes now and where.
 */
export const streamInputs = sqliteTable(
  'stream_inputs',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    streamId: text('stream_id')
      .notNull()
      .references(() => streams.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** 0 for the primary input; a stream has at most one (unique index). */
    position: integer('position').notNull(),
    streamKeySealed: text('stream_key_sealed'),
    streamKeyHash: text('stream_key_hash'),
    connectedAt: integer('connected_at'),
    originId: text('origin_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('stream_inputs_key_hash').on(t.streamKeyHash),
    uniqueIndex('stream_inputs_position').on(t.streamId, t.position),
    index('stream_inputs_stream').on(t.streamId, t.createdAt),
  ],
);

/**
 * Which input is on air (the program: what the ladder, the recording and the simulcast targets
 * carry) and how the stream fails over when it drops. One row per stream, made with its inputs.
 */
export const streamPrograms = sqliteTable('stream_programs', {
  streamId: text('stream_id')
    .primaryKey()
    .references(() => streams.id, { onDelete: 'cascade' }),
  appId: text('app_id').notNull(),
  onAirInputId: text('on_air_input_id').notNull(),
  autoFailover: integer('auto_failover', { mode: 'boolean' }).notNull().default(false),
  failoverAfterS: integer('failover_after_s').notNull().default(3),
  switchedAt: integer('switched_at'),
  updatedAt: integer('updated_at').notNull(),
});
