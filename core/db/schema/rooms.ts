import type { RoomSettings } from '@edgelive/shared';
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Rooms as the REST API knows them. History, presence and per-room moderation live in each room's
 * Durable Object (its own SQLite); D1 holds what must be listed or checked across rooms.
 */
export const rooms = sqliteTable(
  'rooms',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    name: text('name'),
    kind: text('kind', { enum: ['app', 'stream', 'direct'] }).notNull(),
    streamId: text('stream_id'),
    /** For direct rooms: the two user ids, sorted and joined, so a pair has one room. */
    directKey: text('direct_key'),
    members: text('members', { mode: 'json' }).$type<string[]>(),
    settings: text('settings', { mode: 'json' }).$type<RoomSettings>().notNull(),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>(),
    createdAt: integer('created_at').notNull(),
    /** Also the config version the room object compares against to know it must reload. */
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    index('rooms_app_time').on(t.appId, t.createdAt),
    uniqueIndex('rooms_stream').on(t.streamId).where(sql`stream_id IS NOT NULL AND deleted_at IS NULL`),
    uniqueIndex('rooms_direct').on(t.appId, t.directKey).where(sql`direct_key IS NOT NULL AND deleted_at IS NULL`),
  ],
);

/** App-wide chat bans; a room's own bans live in its object. */
export const chatBans = sqliteTable(
  'chat_bans',
  {
    id: text('id').primaryKey(),
    appId: text('app_id').notNull(),
    userId: text('user_id').notNull(),
    reason: text('reason'),
    expiresAt: integer('expires_at'),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('chat_bans_app_user').on(t.appId, t.userId),
    index('chat_bans_app_time').on(t.appId, t.createdAt),
  ],
);
