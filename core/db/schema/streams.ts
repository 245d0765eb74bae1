import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { apps } from './core';

/**
 * Live streams. The live state (status, current session) is owned by the stream's Durable Object;
 * the columns here are its mirror, written by the object on every transition, so lists and reads
 * need not wake one object per stream.
 */
export const streams = sqliteTable(
  'streams',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /**
     * The owner must be able to read the key back (the console shows it), so it is kept as is;
     * publishes look it up by `stream_key_hash` so the lookup never compares secrets in SQL.
     */
    streamKey: text('stream_key').notNull(),
    streamKeyHash: text('stream_key_hash').notNull(),
    latencyMode: text('latency_mode', { enum: ['standard', 'low'] }).notNull(),
    recording: integer('recording', { mode: 'boolean' }).notNull(),
    /** AES-128 segments with a key per session (workers/lib/session-key.ts). */
    encryption: integer('encryption', { mode: 'boolean' }).notNull().default(false),
    reconnectWindowS: integer('reconnect_window_s').notNull(),
    /** Rung names, source first then descending. */
    ladder: text('ladder', { mode: 'json' }).$type<string[]>().notNull(),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    /** What each recorded session's asset starts with (core/asset-reactions.ts). */
    mp4Support: text('mp4_support', { enum: ['none', 'standard'] })
      .notNull()
      .default('none'),
    /** Seconds of the live session its playlists keep for seeking back (0: the live window only). */
    dvrWindowS: integer('dvr_window_s').notNull().default(0),
    /** A session longer than this (continuously, reconnects included) is ended by the stream's object. */
    maxDurationS: integer('max_duration_s').notNull().default(43200),
    /** Recordings older than this many days are deleted with their media; null: the app's setting. */
    recordingRetentionDays: integer('recording_retention_days'),
    /** The stream's chat room (issue 5 wires it). */
    roomId: text('room_id'),
    liveStatus: text('live_status', { enum: ['idle', 'active', 'reconnecting'] }).notNull(),
    currentSessionId: text('current_session_id'),
    disabledAt: integer('disabled_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('streams_key_hash').on(t.streamKeyHash), index('streams_app').on(t.appId, t.createdAt)],
);

/** One publish, from connect until its reconnect window ran out (reconnects within it included). */
export const streamSessions = sqliteTable(
  'stream_sessions',
  {
    id: text('id').primaryKey(),
    streamId: text('stream_id')
      .notNull()
      .references(() => streams.id, { onDelete: 'cascade' }),
    appId: text('app_id').notNull(),
    /** `refused`: a publish the plan refused at `on_publish`, kept so the session log shows why. */
    status: text('status', { enum: ['active', 'reconnecting', 'ended', 'refused'] }).notNull(),
    originId: text('origin_id').notNull(),
    /** Why a `refused` session was refused: the error the origin was answered with. */
    refusal: text('refusal', { mode: 'json' }).$type<{ code: string; message: string; details?: unknown }>(),
    videoCodec: text('video_codec'),
    audioCodec: text('audio_codec'),
    width: integer('width'),
    height: integer('height'),
    frameRate: real('frame_rate'),
    bitrateKbps: integer('bitrate_kbps'),
    reconnects: integer('reconnects').notNull().default(0),
    recording: integer('recording', { mode: 'boolean' }).notNull(),
    recordingStatus: text('recording_status', { enum: ['recording', 'ready', 'empty'] }),
    recordingDurationS: real('recording_duration_s'),
    recordingRenditions: text('recording_renditions', { mode: 'json' }).$type<string[]>(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    /** A live-only session's segments and frames deleted once its window passed (the cron sweeper). */
    mediaDeletedAt: integer('media_deleted_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('stream_sessions_stream').on(t.streamId, t.createdAt)],
);

export const playbackIds = sqliteTable(
  'playback_ids',
  {
    id: text('id').primaryKey(),
    streamId: text('stream_id')
      .notNull()
      .references(() => streams.id, { onDelete: 'cascade' }),
    appId: text('app_id').notNull(),
    policy: text('policy', { enum: ['public', 'signed'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('playback_ids_stream').on(t.streamId, t.createdAt)],
);
