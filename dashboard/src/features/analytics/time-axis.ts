import type { Granularity } from './analytics.queries';

/**
 * One time axis for every chart of the page: the viewer series and the chat series come from two
 * reads whose buckets start at the same instants (multiples of the granularity since the epoch, as
 * the API buckets them), and a bucket either read left out is filled here, so the charts line up.
 */
export const SPAN_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Bucket starts (ms) from the bucket holding `from` up to `to`. */
export function timeAxis(fromIso: string, toIso: string, g: Granularity): number[] {
  const step = SPAN_MS[g];
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const out: number[] = [];
  for (let t = from - (from % step); t < to && out.length < 5000; t += step) out.push(t);
  return out;
}

/**
 * The value of each bucket of `axis` from rows keyed by their ISO `time`: `empty` where no row
 * exists (0 for counts; null for averages, which a chart shows as a gap rather than a fall to 0).
 */
export function align<R extends { time: string }>(
  axis: readonly number[],
  rows: readonly R[],
  pick: (r: R) => number | null,
  empty: number | null,
): (number | null)[] {
  const byTime = new Map(rows.map((r) => [Date.parse(r.time), pick(r)]));
  return axis.map((t) => (byTime.has(t) ? (byTime.get(t) ?? null) : empty));
}

/** Ranges the page offers, with the granularity each reads at. */
export const RANGES = [
  { id: '1h', label: 'Last hour', ms: 3_600_000, granularity: 'minute' },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000, granularity: 'minute' },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, granularity: 'hour' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, granularity: 'hour' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, granularity: 'day' },
] as const satisfies readonly { id: string; label: string; ms: number; granularity: Granularity }[];
export type RangeId = (typeof RANGES)[number]['id'];
