import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { apps } from './core';
import { streams } from './streams';

/**
 * Video on demand (issue 14). An asset is one playable piece of media: today the recording of a
 * live session; uploads and clips add their own `source`. Its media stays where the session wrote
 * it (`live/{stream}/{session}/...` segments, `recordings/{stream}/{session}/...` playlists), so
 * making a recording an asset copies nothing.
 */
export const assets = sqliteTable(
  'assets',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    /** The stream whose session recorded it; a deleted stream takes its assets (and media) with it. */
    streamId: text('stream_id').references(() => streams.id, { onDelete: 'cascade' }),
    /** One asset per recorded session: the unique index makes the reaction's insert idempotent. */
    sessionId: text('session_id'),
    source: text('source', { enum: ['live_session', 'upload', 'clip'] }).notNull(),
    parentAssetId: text('parent_asset_id'),
    /**
     * `clip`: the asset whose media it plays (the root of a clip of a clip), whose deletion takes
     * the clip along; the clip names that media's segments, so it copies nothing.
     */
    mediaAssetId: text('media_asset_id'),
    /** `clip`: where it starts and ends in its parent, in seconds, on segment boundaries. */
    clipStartS: real('clip_start_s'),
    clipEndS: real('clip_end_s'),
    /** `clip`: per rendition, the lowest and highest segment sequence it names (what it may open). */
    clipRanges: text('clip_ranges', { mode: 'json' }).$type<Record<string, [number, number]>>(),
    /** `upload`: the direct upload it came from (its source bytes are under `uploads/{id}/`). */
    uploadId: text('upload_id'),
    /** `upload` by URL ingest: the URL the media worker fetched. */
    inputUrl: text('input_url'),
    status: text('status', { enum: ['preparing', 'ready', 'errored'] }).notNull(),
    errorReason: text('error_reason'),
    durationS: real('duration_s'),
    /** `WIDTHxHEIGHT` of the source, as the origin probed it. */
    resolution: text('resolution'),
    renditions: text('renditions', { mode: 'json' }).$type<string[]>().notNull(),
    passthrough: text('passthrough'),
    /** `standard`: an MP4 of the highest rung is made by a media job once the asset is ready. */
    mp4Support: text('mp4_support', { enum: ['none', 'standard'] })
      .notNull()
      .default('none'),
    mp4Status: text('mp4_status', { enum: ['preparing', 'ready', 'errored'] }),
    mp4Rendition: text('mp4_rendition'),
    mp4Bytes: integer('mp4_bytes'),
    mp4Error: text('mp4_error'),
    /**
     * `clip` asked `frame_accurate`: its trim job's state. The clip plays segment-accurate while
     * `preparing`, and cut at the times asked once `ready` (its first and last segments re-encoded).
     */
    trimStatus: text('trim_status', { enum: ['preparing', 'ready', 'errored'] }),
    trimError: text('trim_error'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    readyAt: integer('ready_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('assets_session').on(t.sessionId),
    index('assets_app').on(t.appId, t.createdAt),
    index('assets_stream').on(t.streamId, t.createdAt),
    index('assets_media').on(t.mediaAssetId),
  ],
);

/** An asset's own playback ids (`pb_`), under the same policies and tokens as a stream's. */
export const assetPlaybackIds = sqliteTable(
  'asset_playback_ids',
  {
    id: text('id').primaryKey(),
    assetId: text('asset_id')
      .notNull()
      .references(() => assets.id, { onDelete: 'cascade' }),
    appId: text('app_id').notNull(),
    policy: text('policy', { enum: ['public', 'signed'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('asset_playback_ids_asset').on(t.assetId, t.createdAt)],
);
