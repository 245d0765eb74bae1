import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Stream health (issue 16): the samples an origin sends for a live session every ~10 s
 * (packages/shared/src/stream-health.ts), with the verdict each one led to, and the session's
 * current verdict. Written only by workers/services/stream-health.service.ts; samples older than
 * its retention are pruned as new ones arrive.
 */
export const streamHealthSamples = sqliteTable(
  'stream_health_samples',
  {
    sessionId: text('session_id').notNull(),
    at: integer('at').notNull(),
    streamId: text('stream_id').notNull(),
    appId: text('app_id').notNull(),
    windowMs: integer('window_ms').notNull(),
    inputBitrateKbps: real('input_bitrate_kbps').notNull(),
    frameRate: real('frame_rate'),
    keyframeIntervalS: real('keyframe_interval_s'),
    segments: integer('segments').notNull(),
    segmentsLate: integer('segments_late').notNull(),
    segmentsDropped: integer('segments_dropped').notNull().default(0),
    uploadLagMsP95: real('upload_lag_ms_p95'),
    uploadBacklog: integer('upload_backlog').notNull(),
    encoderRestarts: integer('encoder_restarts').notNull(),
    status: text('status', { enum: ['healthy', 'degraded'] }).notNull(),
    /** The verdict's reasons, comma-separated ('' when healthy). */
    reasons: text('reasons').notNull(),
    /** No problem and not low: the samples whose bitrate makes the session's usual one. */
    clean: integer('clean', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.at] }), index('stream_health_stream_time').on(t.streamId, t.at)],
);

/** One row per session: the running verdict the next sample is judged from. */
export const streamHealthState = sqliteTable('stream_health_state', {
  sessionId: text('session_id').primaryKey(),
  streamId: text('stream_id').notNull(),
  appId: text('app_id').notNull(),
  status: text('status', { enum: ['healthy', 'degraded'] }).notNull(),
  reasons: text('reasons').notNull(),
  lowStreak: integer('low_streak').notNull(),
  cleanStreak: integer('clean_streak').notNull(),
  restarts: integer('restarts').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
