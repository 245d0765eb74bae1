import { formatTime } from '../../ui/format';
import { QueryView } from '../../ui/states';
import { useDelivery } from './webhooks.queries';

/** One delivery opened from the log: the payload that was signed and sent, and each attempt's answer. */
export function DeliveryDetail({
  appId,
  endpointId,
  deliveryId,
}: {
  appId: string;
  endpointId: string;
  deliveryId: string;
}) {
  const delivery = useDelivery(appId, endpointId, deliveryId);
  return (
    <section className="panel" aria-label="Delivery detail">
      <QueryView query={delivery}>
        {(d) => (
          <>
            <h3>
              <code>{d.event_type}</code> <span className="small muted">{d.status}</span>
            </h3>
            <p className="small muted">
              Delivery <code>{d.id}</code> of event <code>{d.event_id}</code> (its <code>webhook-id</code> header)
            </p>
            <div className="table-wrap">
              <table aria-label="Attempts">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Sent</th>
                    <th>Took</th>
                    <th>Answer</th>
                    <th>Body</th>
                  </tr>
                </thead>
                <tbody>
                  {/* Redelivery starts the count again at 1: the attempt number alone is not a key. */}
                  {d.attempts.map((a) => (
                    <tr key={`${a.attempt}-${a.started_at}`}>
                      <td>{a.attempt}</td>
                      <td>{formatTime(a.started_at)}</td>
                      <td>{a.duration_ms} ms</td>
                      <td>
                        {a.status_code ?? '—'}
                        {a.error && <div className="small field-error">{a.error}</div>}
                      </td>
                      <td>{a.response_body ? <code className="small">{a.response_body}</code> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <details>
              <summary>Payload</summary>
              <pre className="code-block" data-testid="delivery-payload">
                {JSON.stringify(d.payload, null, 2)}
              </pre>
            </details>
          </>
        )}
      </QueryView>
    </section>
  );
}
