import {
  bucketOf,
  type Granularity,
  METER_NAMES,
  METERS,
  type MeterName,
  monthStart,
  nextMonthStart,
} from '@edgelive/shared/usage';
import { and, eq, gte, inArray, lt, sql, sum } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { apps, usageBuckets as u, usageChatUsers } from '../../core/db/schema/index';
import { monthOf } from '../../core/usage/recorder';
import { badRequest } from '../lib/errors';

/**
 * Reads of the usage the recorder flushed (core/usage/recorder.ts): per app or per org (all its
 * apps), by minute, hour, day or calendar month, per meter and optionally per stream or app.
 */
export type UsageGranularity = Granularity | 'month';
export type UsageGroup = 'metric' | 'stream' | 'app' | 'target' | 'kind';

export interface UsageQuery {
  from: number;
  to: number;
  granularity: UsageGranularity;
  groupBy: UsageGroup;
  streamId?: string;
  meters?: MeterName[];
}

export interface UsageRow {
  time: string;
  meter: MeterName;
  unit: string;
  quantity: number;
  stream_id?: string;
  app_id?: string;
  /** With `group_by=target`: the simulcast target of `simulcast_seconds` ('' for other meters). */
  target_id?: string;
  /** With `group_by=kind`: the kind of bytes of `stored_byte_hours` ('' for other meters). */
  kind?: string;
}

const MAX_BUCKETS = 5000;
const SPAN_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `from`/`to` from the query (ISO 8601): the default window is the current calendar month. */
export function usageWindow(q: { from?: string; to?: string }, now = Date.now()) {
  const to = q.to ? Date.parse(q.to) : now;
  const from = q.from ? Date.parse(q.from) : monthStart(to);
  if (!(from < to)) throw badRequest('`from` must be before `to`.');
  return { from, to };
}

export async function orgAppIds(db: Db, orgId: string): Promise<string[]> {
  return (await db.select({ id: apps.id }).from(apps).where(eq(apps.orgId, orgId))).map((r) => r.id);
}

export async function usageSeries(db: Db, appIds: string[], q: UsageQuery): Promise<UsageRow[]> {
  if (!appIds.length) return [];
  // Months are read from day buckets and summed by calendar month here.
  const g: Granularity = q.granularity === 'month' ? 'day' : q.granularity;
  if (q.granularity !== 'month' && (q.to - q.from) / SPAN_MS[g] > MAX_BUCKETS) {
    throw badRequest(`That is more than ${MAX_BUCKETS} ${g} buckets; ask for a coarser granularity.`, {
      max_buckets: MAX_BUCKETS,
    });
  }
  // A bucket's dimension means a target for simulcast and a kind for storage: each grouping reads
  // it for its own meter only, so other meters' rows stay whole under ''.
  const dimensionOf = (m: MeterName) => sql<string>`CASE WHEN ${u.meter} = ${m} THEN ${u.dimension} ELSE '' END`;
  const groupCol =
    q.groupBy === 'stream'
      ? u.streamId
      : q.groupBy === 'app'
        ? u.appId
        : q.groupBy === 'target'
          ? dimensionOf('simulcast_seconds')
          : q.groupBy === 'kind'
            ? dimensionOf('stored_byte_hours')
            : sql<string>`''`;
  const rows = await db
    .select({ bucket: u.bucket, meter: u.meter, group: groupCol, quantity: sum(u.quantity).mapWith(Number) })
    .from(u)
    .where(
      and(
        inArray(u.appId, appIds),
        eq(u.granularity, g),
        gte(u.bucket, bucketOf(q.from, g)),
        lt(u.bucket, q.to),
        q.streamId ? eq(u.streamId, q.streamId) : undefined,
        q.meters?.length ? inArray(u.meter, q.meters) : undefined,
      ),
    )
    .groupBy(u.bucket, u.meter, groupCol)
    .orderBy(u.bucket, u.meter);
  const out = new Map<string, UsageRow>();
  for (const r of rows) {
    if (!(r.meter in METERS)) continue;
    const meter = r.meter as MeterName;
    const time = new Date(q.granularity === 'month' ? monthStart(r.bucket) : r.bucket).toISOString();
    const key = `${time}|${meter}|${r.group}`;
    const row = out.get(key) ?? { time, meter, unit: METERS[meter].unit, quantity: 0 };
    if (q.groupBy === 'stream') row.stream_id = r.group;
    if (q.groupBy === 'app') row.app_id = r.group;
    if (q.groupBy === 'target') row.target_id = r.group;
    if (q.groupBy === 'kind') row.kind = r.group;
    row.quantity += r.quantity;
    out.set(key, row);
  }
  return [...out.values()];
}

/** Every meter's total over the window (zeros included, so a chart always has every series). */
export function totalsOf(rows: UsageRow[]): Record<MeterName, number> {
  const totals = Object.fromEntries(METER_NAMES.map((m) => [m, 0])) as Record<MeterName, number>;
  for (const r of rows) totals[r.meter] += r.quantity;
  return totals;
}

/** Distinct chat users per calendar month touching the window. */
export async function chatMonthlyActiveUsers(db: Db, appIds: string[], from: number, to: number) {
  if (!appIds.length) return [];
  const months = monthsBetween(from, to);
  const rows = await db
    .select({ month: usageChatUsers.month, users: sql<number>`count(distinct ${usageChatUsers.userId})` })
    .from(usageChatUsers)
    .where(and(inArray(usageChatUsers.appId, appIds), inArray(usageChatUsers.month, months)))
    .groupBy(usageChatUsers.month);
  const byMonth = new Map(rows.map((r) => [r.month, Number(r.users)]));
  return months.map((month) => ({ month, users: byMonth.get(month) ?? 0 }));
}

function monthsBetween(from: number, to: number): string[] {
  const out: string[] = [];
  for (let t = monthStart(from); t < to; t = nextMonthStart(t)) out.push(monthOf(t));
  return out;
}

/**
 * Minute buckets are for the last days' fine charts; hours and days (what invoices and monthly
 * figures read) are kept. The Cron Trigger drops minute rows older than this, through the
 * primary key's (granularity, bucket) prefix, so each sweep reads only what it deletes.
 */
export const MINUTE_RETENTION_MS = 7 * 86_400_000;

export async function pruneMinuteBuckets(db: Db, now = Date.now()): Promise<number> {
  const gone = await db
    .delete(u)
    .where(and(eq(u.granularity, 'minute'), lt(u.bucket, now - MINUTE_RETENTION_MS)))
    .returning({ bucket: u.bucket });
  return gone.length;
}
