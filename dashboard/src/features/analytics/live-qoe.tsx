import { useEffect, useMemo, useState } from 'react';
import { QueryView } from '../../ui/states';
import { type AnalyticsScope, useOverview, useTimeseries } from './analytics.queries';
import { ms, pct } from './overview-stats';

const WINDOW_MS = 10 * 60_000;

/** While a stream is live: who is watching now and how well it plays (the last ten minutes of beacons). */
export function LiveQoe({ appId, streamId }: { appId: string; streamId: string }) {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  const scope = useMemo<AnalyticsScope>(
    () => ({
      appId,
      streamId,
      from: new Date(now - WINDOW_MS).toISOString(),
      to: new Date(now).toISOString(),
      granularity: 'minute',
    }),
    [appId, streamId, now],
  );
  const overview = useOverview(scope);
  const series = useTimeseries(scope);
  const watching = series.data?.data.at(-1)?.concurrent_viewers ?? 0;
  const stat = (label: string, value: string) => (
    <div className="stat" key={label}>
      <div className="label">{label}</div>
      <div className="value">{value}</div>
    </div>
  );
  return (
    <QueryView query={overview}>
      {(o) => (
        <section className="stats" aria-label="Live viewers and quality">
          {stat('Watching now', String(watching))}
          {stat('Views (10 min)', String(o.views))}
          {stat('Startup p50', ms(o.startup_p50_ms))}
          {stat('Rebuffer ratio', pct(o.rebuffer_ratio))}
          {stat('Dropped frames', pct(o.dropped_frame_ratio))}
          {stat('Live latency', ms(o.live_latency_avg_ms))}
        </section>
      )}
    </QueryView>
  );
}
