import { useAdminLiveStreams, useKillStream } from '../../features/admin/admin.queries';
import { ReasonButton } from '../../features/admin/reason-button';
import { formatDate } from '../../ui/format';
import { Empty, FormError, QueryView } from '../../ui/states';

export function AdminLiveStreams() {
  const live = useAdminLiveStreams();
  const kill = useKillStream();
  return (
    <section aria-labelledby="admin-live-h">
      <h2 id="admin-live-h">Live now</h2>
      <FormError error={kill.error} />
      <QueryView query={live}>
        {(list) =>
          list.data.length === 0 ? (
            <Empty title="Nothing is live" />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Stream</th>
                    <th>Organization</th>
                    <th>App</th>
                    <th>Status</th>
                    <th>Since</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((s) => (
                    <tr key={s.id}>
                      <td>
                        {s.name || s.id}
                        <div className="muted small">{s.id}</div>
                      </td>
                      <td>{s.org_name}</td>
                      <td>{s.app_name}</td>
                      <td>{s.status}</td>
                      <td>{formatDate(s.updated_at)}</td>
                      <td>
                        <ReasonButton
                          className="danger"
                          title={`Kill ${s.name || s.id}`}
                          label="Why (kept in the operator audit log)"
                          confirmLabel="Kill stream"
                          onConfirm={(reason) => kill.mutate({ streamId: s.id, reason })}
                        >
                          Kill
                        </ReasonButton>
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
