import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Viewer analytics, written only by the analytics Durable Object (one per stream, and one per
 * asset for an asset's playback ids: then `stream_id` holds the asset's `ast_` id), which folds
 * beacons as they arrive and flushes here a few seconds later. Raw beacons are never stored: a
 * beacon is a cumulative snapshot of its view, so a view's row is all that must be kept.
 */

/** One row per view (one page load of one video): what per-view statistics need. */
export const analyticsViews = sqliteTable(
  'analytics_views',
  {
    viewId: text('view_id').notNull(),
    appId: text('app_id').notNull(),
    streamId: text('stream_id').notNull(),
    viewerId: text('viewer_id').notNull(),
    country: text('country').notNull(),
    browser: text('browser').notNull(),
    os: text('os').notNull(),
    startedAt: integer('started_at').notNull(),
    lastAt: integer('last_at').notNull(),
    playingMs: integer('playing_ms').notNull(),
    startupMs: integer('startup_ms'),
    rebufferCount: integer('rebuffer_count').notNull(),
    rebufferMs: integer('rebuffer_ms').notNull(),
    errorCount: integer('error_count').notNull(),
    liveLatencyMs: integer('live_latency_ms'),
    /** Cumulative, from the player's getVideoPlaybackQuality(); 0 when it does not report them. */
    droppedFrames: integer('dropped_frames').notNull().default(0),
    totalFrames: integer('total_frames').notNull().default(0),
  },
  // View ids are chosen by players: unique only within their stream.
  (t) => [
    primaryKey({ columns: [t.streamId, t.viewId] }),
    index('analytics_views_app_time').on(t.appId, t.startedAt),
    index('analytics_views_stream_time').on(t.streamId, t.startedAt),
  ],
);

/**
 * Additive counters per time bucket and dimension values. Minute rows are written by the object;
 * hour and day rows are recomputed from the minute rows of their bucket on every flush, so the
 * three granularities always add up. `viewers` is the number of views that played in the bucket
 * (for a minute: concurrent viewers); for an hour or a day it is the peak of its minutes.
 */
export const analyticsRollups = sqliteTable(
  'analytics_rollups',
  {
    granularity: text('granularity', { enum: ['minute', 'hour', 'day'] }).notNull(),
    bucket: integer('bucket').notNull(),
    appId: text('app_id').notNull(),
    streamId: text('stream_id').notNull(),
    country: text('country').notNull(),
    browser: text('browser').notNull(),
    os: text('os').notNull(),
    /** Rendition height as text ('' before the first), so it groups like the other dimensions. */
    rendition: text('rendition').notNull(),
    viewsStarted: integer('views_started').notNull(),
    viewers: integer('viewers').notNull(),
    watchMs: integer('watch_ms').notNull(),
    rebufferMs: integer('rebuffer_ms').notNull(),
    rebufferCount: integer('rebuffer_count').notNull(),
    errors: integer('errors').notNull(),
    startupSumMs: integer('startup_sum_ms').notNull(),
    startupCount: integer('startup_count').notNull(),
    latencySumMs: integer('latency_sum_ms').notNull(),
    latencyCount: integer('latency_count').notNull(),
    droppedFrames: integer('dropped_frames').notNull().default(0),
    totalFrames: integer('total_frames').notNull().default(0),
  },
  (t) => [
    primaryKey({
      columns: [t.granularity, t.streamId, t.bucket, t.country, t.browser, t.os, t.rendition],
    }),
    index('analytics_rollups_app').on(t.appId, t.granularity, t.bucket),
  ],
);
