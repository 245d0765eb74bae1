import { useEffect, useMemo, useState } from 'react';
import { downloadText } from '../../ui/download';
import { FormError, QueryView } from '../../ui/states';
import {
  type AnalyticsScope,
  type ChatActivity,
  fetchCsv,
  type Timeseries,
  useChatActivity,
  useOverview,
  useTimeseries,
} from './analytics.queries';
import { BreakdownTable } from './breakdown-table';
import { ms, OverviewStats, pct } from './overview-stats';
import { align, RANGES, type RangeId, timeAxis } from './time-axis';
import { type ChartSeries, TimeChart } from './time-chart';

const MINUTE = 60_000;
/** The window ends at the next whole minute, moved on every minute, so the live edge stays in view. */
const windowEnd = () => Math.ceil(Date.now() / MINUTE) * MINUTE;

function Charts({ scope, ts, chat }: { scope: AnalyticsScope; ts: Timeseries; chat: ChatActivity | null }) {
  const charts = useMemo(() => {
    const axis = timeAxis(scope.from, scope.to, scope.granularity);
    const v = (pick: (r: Timeseries['data'][number]) => number | null, empty: number | null) =>
      align(axis, ts.data, pick, empty);
    const c = (pick: (r: ChatActivity['data'][number]) => number) => align(axis, chat?.data ?? [], pick, 0);
    const list: { title: string; series: ChartSeries[] }[] = [
      {
        title: 'Concurrent viewers',
        series: [
          { label: 'Concurrent viewers', values: v((r) => r.concurrent_viewers, 0), color: '#c2262e' },
          { label: 'Views started', values: v((r) => r.views, 0), color: '#2463eb', right: true },
        ],
      },
      {
        title: 'Watch time',
        series: [
          {
            label: 'Watch time (min)',
            values: v((r) => Math.round((r.watch_time_s / 60) * 10) / 10, 0),
            color: '#1a7f37',
          },
        ],
      },
      {
        title: 'Startup time and rebuffering',
        series: [
          {
            label: 'Startup (avg)',
            values: v((r) => r.startup_avg_ms, null),
            color: '#8a5a00',
            format: ms,
            sparse: true,
          },
          {
            label: 'Rebuffer ratio',
            values: v((r) => r.rebuffer_ratio, 0),
            color: '#b42318',
            right: true,
            format: pct,
          },
        ],
      },
      // An asset's page has no chat: its views have no room.
      ...(chat === null
        ? []
        : [
            {
              title: 'Chat activity',
              series: [
                { label: 'Messages per minute', values: c((r) => r.messages_per_minute), color: '#7c3aed' },
                { label: 'Active chatters', values: c((r) => r.active_chatters), color: '#0e7490', right: true },
              ],
            },
          ]),
    ];
    return { axis, list };
  }, [scope, ts, chat]);
  return (
    <div className="charts-grid">
      {charts.list.map((ch) => (
        <TimeChart key={ch.title} title={ch.title} times={charts.axis} series={ch.series} />
      ))}
    </div>
  );
}

/** The analytics of an app, or of one of its streams or assets: totals, series on one time axis, breakdowns. */
export function AnalyticsView({ appId, streamId, assetId }: { appId: string; streamId?: string; assetId?: string }) {
  const [range, setRange] = useState<RangeId>('1h');
  const [end, setEnd] = useState(windowEnd);
  const [exportError, setExportError] = useState<unknown>(null);
  useEffect(() => {
    const t = setInterval(() => setEnd(windowEnd()), MINUTE / 4);
    return () => clearInterval(t);
  }, []);
  const r = RANGES.find((x) => x.id === range)!;
  const scope = useMemo<AnalyticsScope>(
    () => ({
      appId,
      streamId,
      assetId,
      from: new Date(end - r.ms).toISOString(),
      to: new Date(end).toISOString(),
      granularity: r.granularity,
    }),
    [appId, streamId, assetId, end, r],
  );
  const overview = useOverview(scope);
  const ts = useTimeseries(scope);
  const chat = useChatActivity(scope);
  const both = {
    data: ts.data && (assetId || chat.data) ? { ts: ts.data, chat: assetId ? null : (chat.data ?? null) } : undefined,
    error: ts.error ?? chat.error,
    isPending: ts.isPending || (!assetId && chat.isPending),
    refetch: () => Promise.all([ts.refetch(), chat.refetch()]),
  };
  const name = streamId ?? assetId ?? appId;
  const download = (what: 'timeseries' | 'breakdown' | 'chat', extra: Record<string, string> = {}) => {
    setExportError(null);
    fetchCsv(scope, what, extra).then(
      (csv) => downloadText(`${name}-${what}${extra.group_by ? `-${extra.group_by}` : ''}.csv`, csv, 'text/csv'),
      setExportError,
    );
  };
  return (
    <>
      <div className="analytics-toolbar">
        <label className="field">
          <span className="field-label">Range</span>
          <select value={range} onChange={(e) => setRange(e.target.value as RangeId)}>
            {RANGES.map((x) => (
              <option key={x.id} value={x.id}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => download('timeseries')}>
          Export time series (CSV)
        </button>
        {!assetId && (
          <button type="button" onClick={() => download('chat')}>
            Export chat activity (CSV)
          </button>
        )}
      </div>
      <FormError error={exportError} />
      <QueryView query={overview}>{(o) => <OverviewStats o={o} />}</QueryView>
      <QueryView query={both}>{(d) => <Charts scope={scope} ts={d.ts} chat={d.chat} />}</QueryView>
      {chat.data?.rooms_truncated && (
        <p className="small muted">Chat activity counts the app's {chat.data.rooms} most recent rooms.</p>
      )}
      <BreakdownTable scope={scope} onExport={(by) => download('breakdown', { group_by: by })} />
    </>
  );
}
