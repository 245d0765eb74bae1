/** Pure helpers behind the live numbers, so the arithmetic is tested apart from the charts. */

export interface Sample {
  t: number;
  v: number;
}

/** Appends a sample and keeps the window to `maxAgeMs` (the chart shows the session so far, capped). */
export function appendSample(series: readonly Sample[], s: Sample, maxAgeMs = 60 * 60_000): Sample[] {
  const last = series[series.length - 1];
  const next = last && last.t === s.t ? [...series.slice(0, -1), s] : [...series, s];
  return next.filter((x) => s.t - x.t <= maxAgeMs);
}

/**
 * Messages per minute over the last `minutes` whole minutes, oldest first; the current (partial)
 * minute is the last bucket.
 */
export function perMinute(
  timestamps: readonly string[],
  now: number,
  minutes = 10,
): { minute: number; count: number }[] {
  const current = Math.floor(now / 60_000);
  const buckets = Array.from({ length: minutes }, (_, i) => ({ minute: current - (minutes - 1 - i), count: 0 }));
  for (const ts of timestamps) {
    const m = Math.floor(Date.parse(ts) / 60_000);
    const b = buckets[m - (current - (minutes - 1))];
    if (b) b.count++;
  }
  return buckets;
}
