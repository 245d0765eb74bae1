import { and, asc, eq, gte, lt, max, type SQL, sql, sum } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { analyticsRollups as r, analyticsViews as v } from '../../core/db/schema/index';
import { badRequest } from '../lib/errors';
import type { Dimension, FilterQuery, Granularity, Metrics } from '../routes/analytics.schema';
import { findAsset } from './assets.service';
import { findStream } from './streams.service';

/** The rows of one stream or one asset: both live in `stream_id` (an asset's id is `ast_`-prefixed). */
const subjectOf = (q: FilterQuery) => q.stream_id ?? q.asset_id;

/**
 * Reads of the roll-ups the analytics objects write (durable-objects/analytics/flush.ts). Time
 * series and breakdowns come from `analytics_rollups`; per-view figures (unique viewers, startup
 * percentiles, error rate) from `analytics_views`. Always within the caller's app.
 */
export const SPAN: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** A time series longer than this many buckets is refused (ask for a coarser granularity). */
const MAX_BUCKETS = 5000;

export interface Window {
  from: number;
  to: number;
}

export async function resolveWindow(db: Db, appId: string, q: FilterQuery): Promise<Window> {
  const to = q.to ? Date.parse(q.to) : Date.now();
  const from = q.from ? Date.parse(q.from) : to - SPAN.day;
  if (!(from < to)) throw badRequest('`from` must be before `to`.');
  if (q.stream_id && q.asset_id) throw badRequest('Give `stream_id` or `asset_id`, not both.');
  // Another app's stream or asset answers 404, like every read of it.
  if (q.stream_id) await findStream(db, appId, q.stream_id);
  if (q.asset_id) await findAsset(db, appId, q.asset_id);
  return { from, to };
}

export function defaultGranularity(w: Window): Granularity {
  const span = w.to - w.from;
  return span <= 6 * SPAN.hour ? 'minute' : span <= 14 * SPAN.day ? 'hour' : 'day';
}

function rollupWhere(appId: string, q: FilterQuery, g: Granularity, w: Window): SQL {
  const subject = subjectOf(q);
  const conds: (SQL | undefined)[] = [
    eq(r.appId, appId),
    eq(r.granularity, g),
    gte(r.bucket, w.from - (w.from % SPAN[g])),
    lt(r.bucket, w.to),
    subject ? eq(r.streamId, subject) : undefined,
    q.country ? eq(r.country, q.country) : undefined,
    q.browser ? eq(r.browser, q.browser) : undefined,
    q.os ? eq(r.os, q.os) : undefined,
    q.rendition ? eq(r.rendition, q.rendition) : undefined,
  ];
  return and(...conds)!;
}

const aggregates = {
  views: sum(r.viewsStarted),
  viewers: sum(r.viewers),
  watchMs: sum(r.watchMs),
  rebufferMs: sum(r.rebufferMs),
  rebufferCount: sum(r.rebufferCount),
  errors: sum(r.errors),
  startupSum: sum(r.startupSumMs),
  startupCount: sum(r.startupCount),
  latencySum: sum(r.latencySumMs),
  latencyCount: sum(r.latencyCount),
  droppedFrames: sum(r.droppedFrames),
  totalFrames: sum(r.totalFrames),
};
type Aggregated = { [K in keyof typeof aggregates]: string | null };

const n = (x: string | null) => Number(x ?? 0);
const avg = (total: string | null, count: string | null) => (n(count) ? Math.round(n(total) / n(count)) : null);

function metrics(a: Aggregated): Metrics {
  const watch = n(a.watchMs);
  const stall = n(a.rebufferMs);
  const frames = n(a.totalFrames);
  return {
    views: n(a.views),
    watch_time_s: Math.round(watch / 100) / 10,
    concurrent_viewers: n(a.viewers),
    rebuffer_count: n(a.rebufferCount),
    rebuffer_ratio: watch + stall ? Math.round((stall / (watch + stall)) * 10_000) / 10_000 : 0,
    errors: n(a.errors),
    dropped_frames: n(a.droppedFrames),
    dropped_frame_ratio: frames ? Math.round((n(a.droppedFrames) / frames) * 10_000) / 10_000 : 0,
    startup_avg_ms: avg(a.startupSum, a.startupCount),
    live_latency_avg_ms: avg(a.latencySum, a.latencyCount),
  };
}

const column = (d: Dimension) =>
  ({ country: r.country, browser: r.browser, os: r.os, rendition: r.rendition, source: r.streamId })[d];

export async function timeseries(db: Db, appId: string, q: FilterQuery, g: Granularity, w: Window, by?: Dimension) {
  if ((w.to - w.from) / SPAN[g] > MAX_BUCKETS) {
    throw badRequest(`That is more than ${MAX_BUCKETS} ${g}s; use a coarser granularity or a shorter span.`);
  }
  const group = by ? column(by) : sql<string>`''`;
  const rows = await db
    .select({ bucket: r.bucket, group, ...aggregates })
    .from(r)
    .where(rollupWhere(appId, q, g, w))
    .groupBy(r.bucket, group)
    .orderBy(asc(r.bucket), asc(group))
    .all();
  return rows.map((row) => ({
    time: new Date(row.bucket).toISOString(),
    ...(by ? { group: row.group } : {}),
    ...metrics(row),
  }));
}

export async function breakdown(db: Db, appId: string, q: FilterQuery, w: Window, by: Dimension) {
  const group = column(by);
  const rows = await db
    .select({ group, ...aggregates })
    .from(r)
    .where(rollupWhere(appId, q, 'minute', w))
    .groupBy(group)
    .orderBy(asc(group))
    .all();
  return rows.map((row) => ({ group: row.group, ...metrics(row) }));
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function overview(db: Db, appId: string, q: FilterQuery, w: Window) {
  const [total] = await db
    .select(aggregates)
    .from(r)
    .where(rollupWhere(appId, q, 'minute', w))
    .all();
  const perMinute = db
    .select({ viewers: sum(r.viewers).as('viewers') })
    .from(r)
    .where(rollupWhere(appId, q, 'minute', w))
    .groupBy(r.bucket)
    .as('per_minute');
  const [peak] = await db
    .select({ peak: max(perMinute.viewers) })
    .from(perMinute)
    .all();
  const subject = subjectOf(q);
  const viewWhere = and(
    eq(v.appId, appId),
    gte(v.lastAt, w.from),
    lt(v.startedAt, w.to),
    subject ? eq(v.streamId, subject) : undefined,
    q.country ? eq(v.country, q.country) : undefined,
    q.browser ? eq(v.browser, q.browser) : undefined,
    q.os ? eq(v.os, q.os) : undefined,
  );
  const [views] = await db
    .select({
      views: sql<number>`count(*)`,
      unique: sql<number>`count(DISTINCT ${v.viewerId})`,
      failed: sql<number>`count(*) FILTER (WHERE ${v.errorCount} > 0)`,
    })
    .from(v)
    .where(viewWhere)
    .all();
  const startups = (
    await db
      .select({ ms: v.startupMs })
      .from(v)
      .where(and(viewWhere, sql`${v.startupMs} IS NOT NULL`))
      .orderBy(asc(v.startupMs))
      .limit(100_000)
      .all()
  ).map((s) => s.ms ?? 0);
  const m = metrics(total!);
  return {
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
    ...m,
    unique_viewers: Number(views?.unique ?? 0),
    peak_concurrent_viewers: Number(peak?.peak ?? 0),
    startup_p50_ms: percentile(startups, 50),
    startup_p95_ms: percentile(startups, 95),
    error_rate: views?.views ? Math.round((Number(views.failed) / Number(views.views)) * 10_000) / 10_000 : 0,
  };
}
