import { formatDuration } from '../../ui/format';
import type { Overview } from './analytics.queries';

export const ms = (v: number | null | undefined) =>
  v == null ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
export const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** The window's totals, the figures a customer compares with Mux Data's overview. */
export function OverviewStats({ o }: { o: Overview }) {
  const stat = (label: string, value: string) => (
    <div className="stat" key={label}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
  return (
    <section className="stats" aria-label="Totals">
      {stat('Views', String(o.views))}
      {stat('Unique viewers', String(o.unique_viewers))}
      {stat('Watch time', formatDuration(o.watch_time_s * 1000))}
      {stat('Peak concurrent', String(o.peak_concurrent_viewers))}
      {stat('Startup p50', ms(o.startup_p50_ms))}
      {stat('Startup p95', ms(o.startup_p95_ms))}
      {stat('Rebuffer ratio', pct(o.rebuffer_ratio))}
      {stat('Dropped frames', pct(o.dropped_frame_ratio))}
      {stat('Error rate', pct(o.error_rate))}
      {stat('Live latency', ms(o.live_latency_avg_ms))}
    </section>
  );
}
