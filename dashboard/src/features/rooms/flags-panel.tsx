import { formatDate } from '../../ui/format';
import { Empty, FormError, QueryView } from '../../ui/states';
import { useFlags, useResolveFlag } from './rooms.queries';

export function FlagsPanel({ appId, roomId }: { appId: string; roomId: string }) {
  const flags = useFlags(appId, roomId);
  const resolve = useResolveFlag(appId, roomId);
  return (
    <section aria-labelledby="flags-h">
      <h2 id="flags-h">Flagged messages</h2>
      <FormError error={resolve.error} />
      <QueryView query={flags}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="Nothing flagged">
              <p>Messages users report, or the blocklist flags, wait here for a decision.</p>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Message</th>
                    <th>Reason</th>
                    <th>Flagged</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((f) => (
                    <tr key={f.id}>
                      <td>
                        {f.message ? (
                          <>
                            <strong>{f.message.user?.name ?? f.message.user?.id ?? 'system'}:</strong> {f.message.text}
                          </>
                        ) : (
                          <span className="muted">deleted</span>
                        )}
                      </td>
                      <td>{f.reason}</td>
                      <td>{formatDate(f.created_at)}</td>
                      <td>
                        <div className="row">
                          <button type="button" onClick={() => resolve.mutate({ flagId: f.id, action: 'dismiss' })}>
                            Dismiss
                          </button>
                          <button
                            type="button"
                            className="danger"
                            onClick={() => resolve.mutate({ flagId: f.id, action: 'delete_message' })}
                          >
                            Delete message
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
    </section>
  );
}
