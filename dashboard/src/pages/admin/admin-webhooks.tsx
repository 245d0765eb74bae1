import { useWebhookBacklog } from '../../features/admin/platform.queries';
import { formatDate } from '../../ui/format';
import { Empty, QueryView } from '../../ui/states';

/** What waits for webhook delivery: the events outbox and each endpoint's queue, most backlogged first. */
export function AdminWebhooks() {
  const backlog = useWebhookBacklog();
  return (
    <section aria-labelledby="admin-webhooks-h">
      <h2 id="admin-webhooks-h">Webhook backlog</h2>
      <QueryView query={backlog}>
        {(b) => (
          <>
            <p>
              <strong>{b.outbox.undelivered}</strong> event(s) in the outbox not yet handed to an endpoint
              {b.outbox.oldest_at && <> (oldest {formatDate(b.outbox.oldest_at)})</>};{' '}
              <strong>{b.totals.pending}</strong> delivery(ies) pending and <strong>{b.totals.failed}</strong> failed in
              endpoint queues.
            </p>
            {b.endpoints.length === 0 ? (
              <Empty title="No webhook endpoints" />
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Endpoint</th>
                      <th>Organization</th>
                      <th>State</th>
                      <th>Pending</th>
                      <th>Failed</th>
                      <th>Oldest pending</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.endpoints.map((e) => (
                      <tr key={e.endpoint_id}>
                        <td>
                          {e.url}
                          <div className="muted small">{e.endpoint_id}</div>
                        </td>
                        <td>{e.org_name}</td>
                        <td>
                          {!e.enabled ? (
                            <span className="badge bad">Disabled ({e.disabled_reason})</span>
                          ) : e.failing_since ? (
                            <span className="badge warn">Failing since {formatDate(e.failing_since)}</span>
                          ) : (
                            <span className="badge ok">Delivering</span>
                          )}
                        </td>
                        <td>{e.pending}</td>
                        <td>{e.failed}</td>
                        <td>{e.oldest_pending_at ? formatDate(e.oldest_pending_at) : '–'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
