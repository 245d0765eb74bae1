import type { MinuteRow, ViewRow } from './store';

/**
 * The D1 statements of one flush, in one batch (one transaction): the dirty minutes and views as
 * the object has them now (upserts of totals, so a retried flush writes the same), then the hour
 * and day rows of every touched bucket recomputed from the rows below them, so the three
 * granularities add up by construction.
 */
const COUNTERS = [
  'views_started',
  'viewers',
  'watch_ms',
  'rebuffer_ms',
  'rebuffer_count',
  'errors',
  'startup_sum_ms',
  'startup_count',
  'latency_sum_ms',
  'latency_count',
  'dropped_frames',
  'total_frames',
] as const;
const KEY = 'granularity, stream_id, bucket, country, browser, os, rendition';
const setAll = COUNTERS.map((c) => `${c} = excluded.${c}`).join(', ');
const HOUR = 3_600_000;
const DAY = 86_400_000;

export function flushStatements(
  db: D1Database,
  appId: string,
  streamId: string,
  minutes: MinuteRow[],
  views: ViewRow[],
) {
  const out: D1PreparedStatement[] = [];
  for (const m of minutes) {
    out.push(
      db
        .prepare(
          `INSERT INTO analytics_rollups (granularity, bucket, app_id, stream_id, country, browser, os, rendition, ${COUNTERS.join(', ')})
           VALUES ('minute', ?, ?, ?, ?, ?, ?, ?, ${COUNTERS.map(() => '?').join(', ')})
           ON CONFLICT(${KEY}) DO UPDATE SET ${setAll}`,
        )
        .bind(m.minute, appId, streamId, m.country, m.browser, m.os, m.rendition, ...COUNTERS.map((c) => m[c])),
    );
  }
  for (const v of views) {
    out.push(
      db
        .prepare(
          `INSERT INTO analytics_views (view_id, app_id, stream_id, viewer_id, country, browser, os, started_at, last_at,
             playing_ms, startup_ms, rebuffer_count, rebuffer_ms, error_count, live_latency_ms, dropped_frames, total_frames)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(stream_id, view_id) DO UPDATE SET last_at = excluded.last_at, playing_ms = excluded.playing_ms,
             startup_ms = excluded.startup_ms, rebuffer_count = excluded.rebuffer_count,
             rebuffer_ms = excluded.rebuffer_ms, error_count = excluded.error_count,
             live_latency_ms = excluded.live_latency_ms, dropped_frames = excluded.dropped_frames,
             total_frames = excluded.total_frames`,
        )
        .bind(
          v.view_id,
          appId,
          streamId,
          v.viewer_id,
          v.country,
          v.browser,
          v.os,
          v.started_at,
          v.last_at,
          v.playing_ms,
          v.startup_ms,
          v.rebuffer_count,
          v.rebuffer_ms,
          v.error_count,
          v.live_latency_ms,
          v.dropped_frames,
          v.total_frames,
        ),
    );
  }
  const hours = new Set(minutes.map((m) => m.minute - (m.minute % HOUR)));
  const days = new Set(minutes.map((m) => m.minute - (m.minute % DAY)));
  for (const h of hours) out.push(rollUp(db, streamId, 'hour', 'minute', h, HOUR));
  for (const d of days) out.push(rollUp(db, streamId, 'day', 'hour', d, DAY));
  return out;
}

/** Replaces the `to` rows of one bucket with the sums (peak, for viewers) of the `from` rows in it. */
function rollUp(db: D1Database, streamId: string, to: string, from: string, bucket: number, span: number) {
  const agg = COUNTERS.map((c) => (c === 'viewers' ? 'max(viewers)' : `sum(${c})`)).join(', ');
  return db
    .prepare(
      `INSERT INTO analytics_rollups (granularity, bucket, app_id, stream_id, country, browser, os, rendition, ${COUNTERS.join(', ')})
       SELECT ?, ?, app_id, stream_id, country, browser, os, rendition, ${agg}
       FROM analytics_rollups WHERE granularity = ? AND stream_id = ? AND bucket >= ? AND bucket < ?
       GROUP BY app_id, stream_id, country, browser, os, rendition
       ON CONFLICT(${KEY}) DO UPDATE SET ${setAll}`,
    )
    .bind(to, bucket, from, streamId, bucket, bucket + span);
}
