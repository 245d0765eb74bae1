import type { Sample } from '../features/rooms/live-stats';

const W = 300;
const H = 100;

/**
 * A small SVG line chart; `label` is its accessible name and the latest value and peak are said in
 * text. A fresh room has one sample (0 viewers): it is drawn as a flat line across the chart, and
 * the peak said is the real one (0), not the 1 the vertical scale uses to avoid dividing by zero.
 */
export function LineChart({ series, label }: { series: readonly Sample[]; label: string }) {
  if (series.length === 0) return <p className="small muted">No data yet.</p>;
  const t0 = series[0]!.t;
  const span = Math.max(1, series[series.length - 1]!.t - t0);
  const peak = Math.max(...series.map((s) => s.v));
  const scale = Math.max(1, peak);
  const y = (v: number) => H - (v / scale) * (H - 8);
  const pts =
    series.length === 1
      ? [[0, y(series[0]!.v)] as const, [W, y(series[0]!.v)] as const]
      : series.map((s) => [((s.t - t0) / span) * W, y(s.v)] as const);
  const line = pts.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const now = series[series.length - 1]!.v;
  return (
    <div className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: now ${now}, peak ${peak}`}
      >
        <path className="area" d={`${line} L${W},${H} L0,${H} Z`} />
        <path className="line" d={line} vectorEffect="non-scaling-stroke" />
        <line className="axis" x1="0" y1={H} x2={W} y2={H} />
      </svg>
      <p className="small muted">
        Now {now}, peak {peak}
      </p>
    </div>
  );
}

export function BarChart({ values, label }: { values: readonly number[]; label: string }) {
  const max = Math.max(1, ...values);
  const bw = W / Math.max(1, values.length);
  return (
    <div className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: ${values.join(', ')}`}
      >
        {values.map((v, i) => {
          const h = (v / max) * (H - 8);
          // Bars are positions in a fixed window, so the index is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          return <rect key={i} className="bar" x={i * bw + 2} y={H - h} width={bw - 4} height={h} />;
        })}
        <line className="axis" x1="0" y1={H} x2={W} y2={H} />
      </svg>
    </div>
  );
}
