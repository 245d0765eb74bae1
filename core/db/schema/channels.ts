import { sql } from 'drizzle-orm';
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

/** An app's white-label look (workers/lib/brand.ts): one row per app that set one. */
export const appBranding = sqliteTable('app_branding', {
  appId: text('app_id')
    .primaryKey()
    .references(() => apps.id, { onDelete: 'cascade' }),
  brand: text('brand', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Custom domains an app serves its watch pages and playback on. A hostname is claimed by one app
 * at a time once verified; until then several apps may have it pending (only the one that proves
 * control gets it), so the unique index covers verified rows only.
 */
export const customDomains = sqliteTable(
  'custom_domains',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    hostname: text('hostname').notNull(),
    status: text('status', { enum: ['pending', 'verified'] }).notNull(),
    /** The value of the TXT record (or the token file's content) that proves control. */
    verificationToken: text('verification_token').notNull(),
    /** The id the hostname provider (Cloudflare for SaaS) gave it, when one is configured. */
    providerId: text('provider_id'),
    verifiedAt: integer('verified_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('custom_domains_verified').on(t.hostname).where(sql`status = 'verified'`),
    uniqueIndex('custom_domains_app_host').on(t.appId, t.hostname),
    index('custom_domains_app_time').on(t.appId, t.createdAt),
  ],
);
