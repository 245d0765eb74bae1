import type { Sample } from '../features/rooms/live-stats';

const W = 300;
const H = 100;

/** A small SVG line chart; `label` is its accessible name and the latest value is said in text. */
export function LineChart({ series, label }: { series: readonly Sample[]; label: string }) {
  if (series.length === 0) return <p className="small muted">No data yet.</p>;
  const t0 = series[0]!.t;
  const span = Math.max(1, series[series.length - 1]!.t - t0);
  const max = Math.max(1, ...series.map((s) => s.v));
  const pts = series.map((s) => [((s.t - t0) / span) * W, H - (s.v / max) * (H - 8)] as const);
  const line = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  return (
    <div className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: now ${series[series.length - 1]!.v}, peak ${max}`}
      >
        <path className="area" d={`${line} L${W},${H} L0,${H} Z`} />
        <path className="line" d={line} vectorEffect="non-scaling-stroke" />
        <line className="axis" x1="0" y1={H} x2={W} y2={H} />
      </svg>
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
