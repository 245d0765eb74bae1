import { useState } from 'react';
import { SelectField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { Empty, FormError, QueryView } from '../../ui/states';
import { DeliveryDetail } from './delivery-detail';
import { RedeliverFailedForm } from './redeliver-failed-form';
import { type DeliveryStatus, useDeliveries, useRedeliver } from './webhooks.queries';

export function DeliveryLog({ appId, endpointId }: { appId: string; endpointId: string }) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const deliveries = useDeliveries(appId, endpointId, status);
  const redeliver = useRedeliver(appId, endpointId);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-label="Delivery log">
      <div className="filters">
        <SelectField
          label="Status"
          value={status}
          options={[
            ['', 'All'],
            ['succeeded', 'Succeeded'],
            ['failed', 'Failed'],
            ['pending', 'Pending (retrying)'],
          ]}
          onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}
        />
      </div>
      <RedeliverFailedForm appId={appId} endpointId={endpointId} />
      <FormError error={redeliver.error} />
      <QueryView query={deliveries}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No deliveries">
              <p>Send a test event, or wait for something to happen in this app.</p>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Event</th>
                    <th>Status</th>
                    <th>Attempts</th>
                    <th>Last answer</th>
                    <th>Next retry</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((d) => (
                    <tr key={d.id} data-testid="delivery">
                      <td>
                        <code>{d.event_type}</code>
                        <div className="small">
                          <code>{d.event_id}</code> · {formatDate(d.created_at)}
                        </div>
                      </td>
                      <td>
                        <span
                          className={`badge ${d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'warn' : 'off'}`}
                        >
                          {d.status}
                        </span>
                      </td>
                      <td>{d.attempt_count}</td>
                      <td>
                        {d.last_status_code ?? '—'}
                        {d.last_error && <div className="small field-error">{d.last_error}</div>}
                      </td>
                      <td>{formatDate(d.next_attempt_at)}</td>
                      <td>
                        <div className="row" style={{ flexWrap: 'nowrap' }}>
                          <button
                            type="button"
                            aria-expanded={open === d.id}
                            onClick={() => setOpen(open === d.id ? null : d.id)}
                          >
                            Attempts
                          </button>
                          <button type="button" onClick={() => redeliver.mutate(d.id)} disabled={redeliver.isPending}>
                            Redeliver
                          </button>
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
      {open && <DeliveryDetail appId={appId} endpointId={endpointId} deliveryId={open} />}
    </section>
  );
}
