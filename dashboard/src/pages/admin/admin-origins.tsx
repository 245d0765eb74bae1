import { useAdminOrigins } from '../../features/admin/platform.queries';
import { formatDate } from '../../ui/format';
import { Empty, QueryView } from '../../ui/states';

const HEALTH_BADGE = { operational: 'ok', degraded: 'warn', down: 'bad' } as const;

const mb = (bytes: number | null) => (bytes == null ? '–' : `${(bytes / 1_048_576).toFixed(1)} MB`);

/** The media origins from their heartbeats: health, load and what waits to be uploaded. */
export function AdminOrigins() {
  const origins = useAdminOrigins();
  return (
    <section aria-labelledby="admin-origins-h">
      <h2 id="admin-origins-h">Origins</h2>
      <QueryView query={origins}>
        {(list) =>
          list.data.length === 0 ? (
            <Empty title="No origin has reported yet" />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Origin</th>
                    <th>Health</th>
                    <th>Publications</th>
                    <th title="One-minute load average over cores; 100% is every core busy">Load per core</th>
                    <th>Upload backlog</th>
                    <th>Ingest</th>
                    <th>Last heartbeat</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((o) => (
                    <tr key={o.id}>
                      <td>{o.id}</td>
                      <td>
                        <span className={`badge ${HEALTH_BADGE[o.health]}`}>{o.health}</span>
                      </td>
                      <td>{o.publications}</td>
                      <td>{o.cpu == null ? '–' : `${Math.round(o.cpu * 100)}%`}</td>
                      <td>{mb(o.upload_backlog_bytes)}</td>
                      <td className="small">
                        {o.ingest
                          ? [o.ingest.rtmp, o.ingest.rtmps, o.ingest.srt, o.ingest.whip].filter(Boolean).join(' · ')
                          : '–'}
                      </td>
                      <td>{o.last_heartbeat_at ? formatDate(o.last_heartbeat_at) : 'never'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </section>
  );
}
