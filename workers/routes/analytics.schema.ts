import { z } from '@hono/zod-openapi';

/** Query parameters and renders of `GET /v1/analytics/...`. */
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
/** `source`: the stream or asset the views count under (its `str_` or `ast_` id). */
export const DIMENSIONS = ['country', 'browser', 'os', 'rendition', 'source'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export type Dimension = (typeof DIMENSIONS)[number];

const time = z
  .string()
  .datetime({ offset: true })
  .optional()
  .openapi({ description: 'ISO 8601; `from` defaults to 24 hours before `to`, `to` to now' });

/** Filters shared by every analytics read; several may be combined. */
export const Filters = z.object({
  from: time,
  to: time,
  stream_id: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "One stream's live views (default: the whole app, streams and assets)" }),
  asset_id: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "One asset's views (a recording, upload or clip played by its playback id)" }),
  country: z.string().max(64).optional(),
  browser: z.string().max(64).optional(),
  os: z.string().max(64).optional(),
  rendition: z.string().max(8).optional().openapi({ description: 'Rendition height, e.g. `360`' }),
  format: z.enum(['json', 'csv']).optional().openapi({ description: '`csv` for a spreadsheet (the rows only)' }),
});
export type FilterQuery = z.infer<typeof Filters>;

export const TimeseriesQuery = Filters.extend({
  granularity: z
    .enum(GRANULARITIES)
    .optional()
    .openapi({ description: 'Default: by the span (minute up to 6 h, hour up to 14 d)' }),
  group_by: z.enum(DIMENSIONS).optional(),
});
export const BreakdownQuery = Filters.extend({ group_by: z.enum(DIMENSIONS).default('country') });

export const MetricsSchema = z.object({
  views: z.number().int().openapi({ description: 'Views started' }),
  watch_time_s: z.number(),
  concurrent_viewers: z.number().int().openapi({
    description: 'Views playing in the bucket (for hours and days: the peak of their minutes)',
  }),
  rebuffer_count: z.number().int(),
  rebuffer_ratio: z.number().openapi({ description: 'Stalled time over stalled plus playing time' }),
  errors: z.number().int(),
  dropped_frames: z.number().int().openapi({ description: "Frames the players' video elements dropped" }),
  dropped_frame_ratio: z.number().openapi({
    description: 'Dropped frames over frames decoded (0 when no player reported frames)',
  }),
  startup_avg_ms: z.number().nullable(),
  live_latency_avg_ms: z.number().nullable(),
});
export type Metrics = z.infer<typeof MetricsSchema>;

export const TimeseriesRow = MetricsSchema.extend({
  time: z.string().openapi({ description: 'Start of the bucket' }),
  group: z.string().optional().openapi({ description: 'The `group_by` value' }),
}).openapi('AnalyticsPoint');
export const TimeseriesSchema = z
  .object({ granularity: z.enum(GRANULARITIES), from: z.string(), to: z.string(), data: z.array(TimeseriesRow) })
  .openapi('AnalyticsTimeseries');

export const BreakdownRow = MetricsSchema.extend({ group: z.string() }).openapi('AnalyticsBreakdownRow');
export const BreakdownSchema = z
  .object({ group_by: z.enum(DIMENSIONS), from: z.string(), to: z.string(), data: z.array(BreakdownRow) })
  .openapi('AnalyticsBreakdown');

export const OverviewSchema = MetricsSchema.extend({
  from: z.string(),
  to: z.string(),
  unique_viewers: z.number().int(),
  peak_concurrent_viewers: z.number().int(),
  startup_p50_ms: z.number().nullable(),
  startup_p95_ms: z.number().nullable(),
  error_rate: z.number().openapi({ description: 'Share of views with at least one fatal error' }),
}).openapi('AnalyticsOverview');

export const ChatActivityQuery = Filters.pick({ from: true, to: true, stream_id: true, format: true }).extend({
  granularity: TimeseriesQuery.shape.granularity,
});
export const ChatActivitySchema = z
  .object({
    granularity: z.enum(GRANULARITIES),
    from: z.string(),
    to: z.string(),
    rooms: z.number().int().openapi({ description: "Rooms counted (the stream's, or the app's most recent)" }),
    rooms_truncated: z.boolean().openapi({ description: 'The app has more rooms than one read counts' }),
    data: z.array(
      z
        .object({
          time: z.string().openapi({ description: 'Start of the bucket (the same starts as `/timeseries`)' }),
          messages: z.number().int(),
          messages_per_minute: z.number(),
          active_chatters: z.number().int().openapi({ description: 'Distinct users who sent a message' }),
        })
        .openapi('ChatActivityPoint'),
    ),
  })
  .openapi('ChatActivity');

/** CSV of rows with the same keys (RFC 4180 quoting). */
export function toCsv(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
