import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './analytics.css';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  /** The second y axis, on the right, for a series of another unit. */
  right?: boolean;
  format?: (v: number) => string;
  /** An average: buckets without one are gaps that the line bridges, with every value dotted. */
  sparse?: boolean;
}

const plain = (v: number) => (Math.abs(v) >= 1000 ? `${Math.round(v / 100) / 10}k` : String(Math.round(v * 100) / 100));

function summary(title: string, series: readonly ChartSeries[]): string {
  const parts = series.map((s) => {
    const vals = s.values.filter((v): v is number => v !== null);
    const fmt = s.format ?? plain;
    return vals.length
      ? `${s.label} peak ${fmt(Math.max(...vals))}, last ${fmt(vals[vals.length - 1]!)}`
      : `${s.label} no data`;
  });
  return `${title}: ${parts.join('; ')}`;
}

/**
 * A time-series chart drawn by uPlot (canvas, one small dependency): every chart of a page gets the
 * same `times`, so a viewer peak and a burst of chat sit at the same x. Its accessible name says the
 * peak and latest value of each series, since a canvas says nothing to a screen reader.
 */
export function TimeChart({
  title,
  times,
  series,
  height = 180,
}: {
  title: string;
  times: readonly number[];
  series: readonly ChartSeries[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const right = series.find((s) => s.right);
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { stroke: '#6b7280', grid: { stroke: '#eef0f3' } },
        {
          stroke: '#6b7280',
          grid: { stroke: '#eef0f3' },
          values: (_u, ticks) => ticks.map(series[0]?.format ?? plain),
          size: 64,
        },
        ...(right
          ? [
              {
                scale: 'r',
                side: 1,
                stroke: '#6b7280',
                grid: { show: false },
                values: (_u: uPlot, t: number[]) => t.map(right.format ?? plain),
                size: 64,
              },
            ]
          : []),
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          fill: `${s.color}1f`,
          spanGaps: s.sparse === true,
          points: { show: s.sparse === true || times.length < 40, size: 5 },
          ...(s.right ? { scale: 'r' } : {}),
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : (s.format ?? plain)(v)),
        })),
      ],
    };
    if (right) opts.scales!.r = { range: (_u, _min, max) => [0, Math.max(right.format ? 0.01 : 1, max)] };
    const data = [times.map((t) => t / 1000), ...series.map((s) => [...s.values])] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, height]);
  return (
    <figure className="time-chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={summary(title, series)} data-points={times.length} />
    </figure>
  );
}
