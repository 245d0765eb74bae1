import { useMemo } from 'react';
import { align, timeAxis } from '../analytics/time-axis';
import { type ChartSeries, TimeChart } from '../analytics/time-chart';
import type { UsageRow } from './billing.queries';

/**
 * This month's meters per day, drawn by uPlot like the analytics pages: minutes (delivered,
 * ingested, encoded, simulcast) on one chart, counts (chat messages, API requests) on another, and
 * storage (GB-hours: the hourly samples of R2 bytes held) on a third.
 */
const perDay = (rows: readonly UsageRow[], meters: readonly string[], scale = 1) => {
  const byTime = new Map<string, number>();
  for (const r of rows) if (meters.includes(r.meter)) byTime.set(r.time, (byTime.get(r.time) ?? 0) + r.quantity);
  return [...byTime].map(([time, quantity]) => ({ time, quantity: quantity / scale }));
};

const minutes = (v: number) => `${Math.round(v * 10) / 10} min`;
const gbHours = (v: number) => `${Math.round(v * 1000) / 1000} GB-h`;

/** Every day of the window's month, so the first of the month draws a month, not one point. */
function monthAxis(from: string): number[] {
  const d = new Date(from);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return timeAxis(new Date(start).toISOString(), new Date(end).toISOString(), 'day');
}

export function UsageCharts({ from, to, rows }: { from: string; to: string; rows: readonly UsageRow[] }) {
  const axis = useMemo(() => monthAxis(from), [from]);
  // Days still to come are gaps, not zeros.
  const line = useMemo(() => {
    const now = Date.parse(to);
    return (meters: string[], scale = 1) =>
      align(axis, perDay(rows, meters, scale), (r) => r.quantity, 0).map((v, i) => (axis[i]! > now ? null : v));
  }, [axis, rows, to]);
  const minuteSeries = useMemo<ChartSeries[]>(() => {
    return [
      { label: 'Delivered', values: line(['delivered_seconds'], 60), color: '#2563eb', format: minutes },
      { label: 'Ingested', values: line(['ingest_seconds'], 60), color: '#16a34a', format: minutes },
      {
        label: 'Encoded',
        values: line(['encoded_seconds_sd', 'encoded_seconds_hd', 'encoded_seconds_uhd'], 60),
        color: '#9333ea',
        format: minutes,
      },
      { label: 'Simulcast', values: line(['simulcast_seconds'], 60), color: '#db2777', format: minutes },
    ];
  }, [line]);
  const countSeries = useMemo<ChartSeries[]>(
    () => [
      {
        label: 'Chat messages',
        values: line(['chat_messages']),
        color: '#ea580c',
      },
      {
        label: 'API requests',
        values: line(['api_requests']),
        color: '#0891b2',
        right: true,
      },
    ],
    [line],
  );
  const storageSeries = useMemo<ChartSeries[]>(
    () => [{ label: 'Stored', values: line(['stored_byte_hours'], 1e9), color: '#4b5563', format: gbHours }],
    [line],
  );
  return (
    <div className="grid-2">
      <div className="panel">
        <TimeChart title="Minutes per day" times={axis} series={minuteSeries} />
      </div>
      <div className="panel">
        <TimeChart title="Messages and requests per day" times={axis} series={countSeries} />
      </div>
      <div className="panel">
        <TimeChart title="Storage per day (GB-hours)" times={axis} series={storageSeries} />
      </div>
    </div>
  );
}
