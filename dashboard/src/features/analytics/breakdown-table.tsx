import { useState } from 'react';
import { Link } from 'react-router';
import { formatDuration } from '../../ui/format';
import { QueryView } from '../../ui/states';
import { type AnalyticsScope, type Dimension, useBreakdown } from './analytics.queries';
import { ms, pct } from './overview-stats';

const DIMENSIONS: { id: Dimension; label: string }[] = [
  { id: 'country', label: 'Country' },
  { id: 'browser', label: 'Browser' },
  { id: 'os', label: 'OS' },
  { id: 'rendition', label: 'Rendition' },
  { id: 'source', label: 'Stream or asset' },
];

/** A `source` row links to that stream's or asset's own analytics page. */
function SourceLink({ appId, id }: { appId: string; id: string }) {
  const kind = id.startsWith('ast_') ? 'assets' : 'streams';
  return <Link to={`/apps/${appId}/${kind}/${id}/analytics`}>{id}</Link>;
}

/** Views by country, browser, OS, rendition or source over the window, with each one's share of watch time. */
export function BreakdownTable({ scope, onExport }: { scope: AnalyticsScope; onExport: (by: Dimension) => void }) {
  const [by, setBy] = useState<Dimension>('country');
  // One stream's or asset's page has a single source: the tab only on the app's page.
  const dims = DIMENSIONS.filter((d) => d.id !== 'source' || (!scope.streamId && !scope.assetId));
  const q = useBreakdown(scope, by);
  return (
    <section className="panel" aria-labelledby="breakdown-h">
      <div className="row">
        <h2 id="breakdown-h">Breakdown</h2>
        <div className="tabs" role="tablist" aria-label="Break down by">
          {dims.map((d) => (
            <button key={d.id} type="button" role="tab" aria-selected={by === d.id} onClick={() => setBy(d.id)}>
              {d.label}
            </button>
          ))}
        </div>
        <button type="button" onClick={() => onExport(by)}>
          Export CSV
        </button>
      </div>
      <QueryView query={q}>
        {(b) => {
          const total = b.data.reduce((a, r) => a + r.watch_time_s, 0);
          if (!b.data.length) return <p className="muted">No views in this window.</p>;
          return (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{DIMENSIONS.find((d) => d.id === by)?.label}</th>
                    <th scope="col">Views</th>
                    <th scope="col">Watch time</th>
                    <th scope="col">Startup (avg)</th>
                    <th scope="col">Rebuffer ratio</th>
                    <th scope="col">Dropped frames</th>
                    <th scope="col">Errors</th>
                  </tr>
                </thead>
                <tbody>
                  {[...b.data]
                    .sort((x, y) => y.watch_time_s - x.watch_time_s)
                    .map((r) => (
                      <tr key={r.group}>
                        <th scope="row">
                          {by === 'source' ? (
                            <SourceLink appId={scope.appId} id={r.group} />
                          ) : by === 'rendition' && r.group ? (
                            `${r.group}p`
                          ) : (
                            r.group || 'unknown'
                          )}
                        </th>
                        <td>{r.views}</td>
                        <td className="bar-cell">
                          <span style={{ width: `${total ? (r.watch_time_s / total) * 100 : 0}%` }} />
                          <b>{formatDuration(r.watch_time_s * 1000)}</b>
                        </td>
                        <td>{ms(r.startup_avg_ms)}</td>
                        <td>{pct(r.rebuffer_ratio)}</td>
                        <td>{pct(r.dropped_frame_ratio)}</td>
                        <td>{r.errors}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryView>
    </section>
  );
}
