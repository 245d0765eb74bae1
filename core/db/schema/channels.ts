import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { apps } from './core';

/**
 * Channels: one of a customer's creators or events, with a public profile and a watch page at
 * `/watch/{slug}`. Streams point at their channel with `channel_streams` (a join row rather than a
 * column on `streams`, so the stream object's own mirror writes never have to know about channels).
 */
export const channels = sqliteTable(
  'channels',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    /** Unique per app; the watch page's path segment. */
    slug: text('slug').notNull(),
    displayName: text('display_name').notNull(),
    bio: text('bio').notNull().default(''),
    /** R2 keys of the current images (content-addressed, so they are served as immutable). */
    avatarKey: text('avatar_key'),
    bannerKey: text('banner_key'),
    links: text('links', { mode: 'json' }).$type<{ label: string; url: string }[]>().notNull(),
    category: text('category'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    visibility: text('visibility', { enum: ['public', 'unlisted'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('channels_app_slug').on(t.appId, t.slug), index('channels_app_time').on(t.appId, t.createdAt)],
);

/** Which channel a stream belongs to (at most one). */
export const channelStreams = sqliteTable(
  'channel_streams',
  {
    streamId: text('stream_id').primaryKey(),
    channelId: text('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    appId: text('app_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('channel_streams_channel').on(t.channelId, t.createdAt)],
);
