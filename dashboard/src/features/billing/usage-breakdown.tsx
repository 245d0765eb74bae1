import type { UsageRow } from './billing.queries';

/**
 * Tables under the usage charts: the month's stored bytes by kind (`group_by=kind`) and an app's
 * meters per stream (`group_by=stream`). Figures are the month's totals in the units a bill uses.
 */
const KIND_LABELS: Record<string, string> = {
  recordings: 'Recordings',
  segments: 'Live segments (DVR)',
  images: 'Thumbnails and frames',
  uploads: 'Uploads',
  clips: 'Clips',
  downloads: 'MP4 downloads',
};

const num = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const sumBy = (rows: readonly UsageRow[], key: (r: UsageRow) => string | undefined, meters: readonly string[]) => {
  const out = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (k === undefined || !meters.includes(r.meter)) continue;
    out.set(k, (out.get(k) ?? 0) + r.quantity);
  }
  return out;
};

export function StorageByKind({ rows }: { rows: readonly UsageRow[] }) {
  const byKind = sumBy(rows, (r) => r.kind || undefined, ['stored_byte_hours']);
  return (
    <section className="panel" aria-label="Storage by kind">
      <h2>Storage by kind this month</h2>
      {byKind.size === 0 ? (
        <p className="muted small">Nothing stored yet: R2 is sampled once an hour.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Kind</th>
                <th className="num">GB-hours</th>
              </tr>
            </thead>
            <tbody>
              {[...byKind]
                .sort((a, b) => b[1] - a[1])
                .map(([kind, q]) => (
                  <tr key={kind}>
                    <td>{KIND_LABELS[kind] ?? kind}</td>
                    <td className="num">{num(q / 1e9, 4)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const STREAM_COLUMNS: { label: string; meters: string[]; scale: number; digits: number }[] = [
  { label: 'Delivered min', meters: ['delivered_seconds'], scale: 60, digits: 1 },
  { label: 'Ingested min', meters: ['ingest_seconds'], scale: 60, digits: 1 },
  {
    label: 'Encoded min',
    meters: ['encoded_seconds_sd', 'encoded_seconds_hd', 'encoded_seconds_uhd'],
    scale: 60,
    digits: 1,
  },
  { label: 'Simulcast min', meters: ['simulcast_seconds'], scale: 60, digits: 1 },
  { label: 'Stored GB-h', meters: ['stored_byte_hours'], scale: 1e9, digits: 4 },
];

/** The app's month per stream; '' (work of the app itself: uploads, clips, API) is its own row. */
export function StreamBreakdown({ rows, names }: { rows: readonly UsageRow[]; names: ReadonlyMap<string, string> }) {
  const streams = [...new Set(rows.map((r) => r.stream_id ?? ''))].sort((a, b) =>
    a === '' ? 1 : b === '' ? -1 : (names.get(a) ?? a).localeCompare(names.get(b) ?? b),
  );
  const cols = STREAM_COLUMNS.map((c) => sumBy(rows, (r) => r.stream_id ?? '', c.meters));
  return (
    <section className="panel" aria-label="Usage per stream">
      <h2>Per stream this month</h2>
      {streams.length === 0 ? (
        <p className="muted small">No usage this month yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Stream</th>
                {STREAM_COLUMNS.map((c) => (
                  <th key={c.label} className="num">
                    {c.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {streams.map((id) => (
                <tr key={id || 'app'}>
                  <td>
                    {id === '' ? <span className="muted">The app (uploads, clips, API)</span> : (names.get(id) ?? id)}
                  </td>
                  {STREAM_COLUMNS.map((c, i) => (
                    <td key={c.label} className="num">
                      {num((cols[i]!.get(id) ?? 0) / c.scale, c.digits)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
