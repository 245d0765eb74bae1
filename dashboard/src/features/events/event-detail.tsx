import { Link } from 'react-router';
import { formatDate } from '../../ui/format';
import { Loading } from '../../ui/states';
import { useEndpoints } from '../webhooks/webhooks.queries';
import { type AppEvent, useEventDeliveries } from './events.queries';

/** The selected event: its payload as delivered, and where it went (each endpoint's delivery). */
export function EventDetail({ appId, event }: { appId: string; event: AppEvent }) {
  const endpoints = useEndpoints(appId);
  const results = useEventDeliveries(appId, event.id, endpoints.data?.data ?? []);
  const rows = results.flatMap((r) => (r.data ? r.data.deliveries.map((d) => ({ d, endpoint: r.data.endpoint })) : []));
  const loading = endpoints.isLoading || results.some((r) => r.isLoading);
  return (
    <section className="panel" aria-label="Event detail">
      <h2>
        <code>{event.type}</code>
      </h2>
      <p className="small muted">
        <code>{event.id}</code> · {formatDate(event.timestamp)} · about {event.object.type}{' '}
        <code>{event.object.id}</code>
      </p>
      <h3>Payload</h3>
      <pre className="code-block" data-testid="payload">
        {JSON.stringify(event, null, 2)}
      </pre>
      <h3>Deliveries</h3>
      {loading ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p className="small muted">No webhook endpoint received this event.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Deliveries of this event">
            <thead>
              <tr>
                <th>Endpoint</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Last answer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ d, endpoint }) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/apps/${appId}/webhooks#endpoint-${endpoint.id}`}>{endpoint.url}</Link>
                  </td>
                  <td>
                    <span
                      className={`badge ${d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'warn' : 'off'}`}
                    >
                      {d.status}
                    </span>
                  </td>
                  <td>{d.attempt_count}</td>
                  <td>{d.last_status_code ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
