import type { Beacon } from '@edgelive/shared/beacons';
import { migrateSql } from '../../core/do/sql-migrations';

/**
 * The analytics object's own SQLite: the views it has seen (their last cumulative snapshot) and the
 * open minutes' counters, each marked dirty until flushed to D1. Minute rows and idle views are
 * pruned after a while: D1 has them by then.
 */
const MIGRATIONS = [
  `CREATE TABLE views (
     view_id TEXT PRIMARY KEY, viewer_id TEXT NOT NULL, country TEXT NOT NULL, browser TEXT NOT NULL,
     os TEXT NOT NULL, started_at INTEGER NOT NULL, last_at INTEGER NOT NULL, seq INTEGER NOT NULL,
     playing_ms INTEGER NOT NULL, startup_ms INTEGER, rebuffer_count INTEGER NOT NULL,
     rebuffer_ms INTEGER NOT NULL, error_count INTEGER NOT NULL, live_latency_ms INTEGER,
     dirty INTEGER NOT NULL DEFAULT 1);
   CREATE TABLE minutes (
     minute INTEGER NOT NULL, country TEXT NOT NULL, browser TEXT NOT NULL, os TEXT NOT NULL,
     rendition TEXT NOT NULL, views_started INTEGER NOT NULL DEFAULT 0, watch_ms INTEGER NOT NULL DEFAULT 0,
     rebuffer_ms INTEGER NOT NULL DEFAULT 0, rebuffer_count INTEGER NOT NULL DEFAULT 0,
     errors INTEGER NOT NULL DEFAULT 0, startup_sum_ms INTEGER NOT NULL DEFAULT 0,
     startup_count INTEGER NOT NULL DEFAULT 0, latency_sum_ms INTEGER NOT NULL DEFAULT 0,
     latency_count INTEGER NOT NULL DEFAULT 0, dirty INTEGER NOT NULL DEFAULT 1,
     PRIMARY KEY (minute, country, browser, os, rendition));
   CREATE TABLE minute_views (minute INTEGER NOT NULL, view_id TEXT NOT NULL, country TEXT NOT NULL,
     browser TEXT NOT NULL, os TEXT NOT NULL, rendition TEXT NOT NULL,
     PRIMARY KEY (minute, view_id));
   CREATE TABLE rate (key TEXT PRIMARY KEY, minute INTEGER NOT NULL, n INTEGER NOT NULL);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Dropped frames: the view's last cumulative counts, and what each minute gained.
  `ALTER TABLE views ADD COLUMN dropped_frames INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE views ADD COLUMN total_frames INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE minutes ADD COLUMN dropped_frames INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE minutes ADD COLUMN total_frames INTEGER NOT NULL DEFAULT 0;`,
];

export type ViewRow = {
  view_id: string;
  viewer_id: string;
  country: string;
  browser: string;
  os: string;
  started_at: number;
  last_at: number;
  seq: number;
  playing_ms: number;
  startup_ms: number | null;
  rebuffer_count: number;
  rebuffer_ms: number;
  error_count: number;
  live_latency_ms: number | null;
  dropped_frames: number;
  total_frames: number;
};

export type MinuteRow = {
  minute: number;
  country: string;
  browser: string;
  os: string;
  rendition: string;
  views_started: number;
  viewers: number;
  watch_ms: number;
  rebuffer_ms: number;
  rebuffer_count: number;
  errors: number;
  startup_sum_ms: number;
  startup_count: number;
  latency_sum_ms: number;
  latency_count: number;
  dropped_frames: number;
  total_frames: number;
};

/** What one beacon adds to its minute. */
export interface MinuteDelta {
  viewsStarted: number;
  watchMs: number;
  rebufferMs: number;
  rebufferCount: number;
  errors: number;
  startupMs: number | null;
  latencyMs: number | null;
  droppedFrames: number;
  totalFrames: number;
}

export const minuteOf = (t: number) => t - (t % 60_000);

export class AnalyticsStore {
  constructor(private readonly sql: SqlStorage) {}

  migrate() {
    migrateSql(this.sql, MIGRATIONS);
  }

  getMeta(key: string): string | null {
    return this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value ?? null;
  }

  setMeta(key: string, value: string) {
    this.sql.exec('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, value);
  }

  /** Counts one hit against `key` in this minute; returns the count so far (the current one included). */
  hit(key: string, now: number): number {
    const minute = minuteOf(now);
    return this.sql
      .exec<{ n: number }>(
        `INSERT INTO rate (key, minute, n) VALUES (?, ?, 1)
         ON CONFLICT(key) DO UPDATE SET n = CASE WHEN minute = excluded.minute THEN n + 1 ELSE 1 END, minute = excluded.minute
         RETURNING n`,
        key,
        minute,
      )
      .one().n;
  }

  view(viewId: string): ViewRow | null {
    return this.sql.exec<ViewRow>('SELECT * FROM views WHERE view_id = ?', viewId).toArray()[0] ?? null;
  }

  saveView(v: ViewRow) {
    this.sql.exec(
      `INSERT OR REPLACE INTO views (view_id, viewer_id, country, browser, os, started_at, last_at, seq, playing_ms,
         startup_ms, rebuffer_count, rebuffer_ms, error_count, live_latency_ms, dropped_frames, total_frames, dirty)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      v.view_id,
      v.viewer_id,
      v.country,
      v.browser,
      v.os,
      v.started_at,
      v.last_at,
      v.seq,
      v.playing_ms,
      v.startup_ms,
      v.rebuffer_count,
      v.rebuffer_ms,
      v.error_count,
      v.live_latency_ms,
      v.dropped_frames,
      v.total_frames,
    );
  }

  addToMinute(now: number, view: ViewRow, beacon: Beacon, d: MinuteDelta) {
    const minute = minuteOf(now);
    const rendition = beacon.rendition === null ? '' : String(beacon.rendition);
    const dims = [minute, view.country, view.browser, view.os, rendition] as const;
    this.sql.exec(
      `INSERT INTO minutes (minute, country, browser, os, rendition, views_started, watch_ms, rebuffer_ms, rebuffer_count,
         errors, startup_sum_ms, startup_count, latency_sum_ms, latency_count, dropped_frames, total_frames, dirty)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT(minute, country, browser, os, rendition) DO UPDATE SET
         views_started = views_started + excluded.views_started, watch_ms = watch_ms + excluded.watch_ms,
         rebuffer_ms = rebuffer_ms + excluded.rebuffer_ms, rebuffer_count = rebuffer_count + excluded.rebuffer_count,
         errors = errors + excluded.errors, startup_sum_ms = startup_sum_ms + excluded.startup_sum_ms,
         startup_count = startup_count + excluded.startup_count, latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms,
         latency_count = latency_count + excluded.latency_count,
         dropped_frames = dropped_frames + excluded.dropped_frames, total_frames = total_frames + excluded.total_frames,
         dirty = 1`,
      ...dims,
      d.viewsStarted,
      d.watchMs,
      d.rebufferMs,
      d.rebufferCount,
      d.errors,
      d.startupMs ?? 0,
      d.startupMs === null ? 0 : 1,
      d.latencyMs ?? 0,
      d.latencyMs === null ? 0 : 1,
      d.droppedFrames,
      d.totalFrames,
    );
    // A view counts once per minute towards the concurrent viewers, under the rendition it played
    // last in that minute (so a rendition switch does not make one viewer two).
    this.sql.exec(
      'INSERT OR REPLACE INTO minute_views (minute, view_id, country, browser, os, rendition) VALUES (?, ?, ?, ?, ?, ?)',
      minute,
      view.view_id,
      view.country,
      view.browser,
      view.os,
      rendition,
    );
  }

  dirtyMinutes(): MinuteRow[] {
    return this.sql
      .exec<MinuteRow>(
        `SELECT m.minute, m.country, m.browser, m.os, m.rendition, m.views_started, m.watch_ms, m.rebuffer_ms,
           m.rebuffer_count, m.errors, m.startup_sum_ms, m.startup_count, m.latency_sum_ms, m.latency_count,
           m.dropped_frames, m.total_frames,
           (SELECT count(*) FROM minute_views v WHERE v.minute = m.minute AND v.country = m.country
              AND v.browser = m.browser AND v.os = m.os AND v.rendition = m.rendition) AS viewers
         FROM minutes m WHERE minute IN (SELECT minute FROM minutes WHERE dirty = 1)`,
      )
      .toArray();
  }

  dirtyViews(): ViewRow[] {
    return this.sql
      .exec<ViewRow & { dirty: number }>('SELECT * FROM views WHERE dirty = 1')
      .toArray()
      .map(({ dirty: _d, ...v }) => v);
  }

  /** After a flush: only rows unchanged since the snapshot was taken are clean now. */
  markClean(minutes: MinuteRow[], views: ViewRow[]) {
    for (const m of minutes) {
      this.sql.exec(
        `UPDATE minutes SET dirty = 0 WHERE minute = ? AND country = ? AND browser = ? AND os = ? AND rendition = ?
           AND watch_ms = ? AND views_started = ? AND errors = ? AND rebuffer_count = ? AND total_frames = ?`,
        m.minute,
        m.country,
        m.browser,
        m.os,
        m.rendition,
        m.watch_ms,
        m.views_started,
        m.errors,
        m.rebuffer_count,
        m.total_frames,
      );
    }
    for (const v of views) this.sql.exec('UPDATE views SET dirty = 0 WHERE view_id = ? AND seq = ?', v.view_id, v.seq);
  }

  hasDirty(): boolean {
    return (
      this.sql
        .exec<{ n: number }>(
          'SELECT (SELECT count(*) FROM minutes WHERE dirty = 1) + (SELECT count(*) FROM views WHERE dirty = 1) AS n',
        )
        .one().n > 0
    );
  }

  /** Views with a beacon since `since`. */
  activeViews(since: number): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM views WHERE last_at >= ?', since).one().n;
  }

  /** Forgets what D1 already has: clean minutes and idle clean views older than `before`. */
  prune(before: number) {
    this.sql.exec('DELETE FROM minutes WHERE minute < ? AND dirty = 0', before);
    this.sql.exec('DELETE FROM minute_views WHERE minute < ?', before);
    this.sql.exec('DELETE FROM views WHERE last_at < ? AND dirty = 0', before);
    this.sql.exec('DELETE FROM rate WHERE minute < ?', before);
  }
}
