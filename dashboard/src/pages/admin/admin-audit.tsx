import { useOperatorAudit } from '../../features/admin/admin.queries';
import { formatDate } from '../../ui/format';
import { Empty, QueryView } from '../../ui/states';

export function AdminAudit() {
  const audit = useOperatorAudit();
  return (
    <section aria-labelledby="admin-audit-h">
      <h2 id="admin-audit-h">Operator audit log</h2>
      <QueryView query={audit}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No operator actions yet" />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Operator</th>
                    <th>Action</th>
                    <th>Target</th>
                    <th>Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((e) => (
                    <tr key={e.id}>
                      <td>{formatDate(e.created_at)}</td>
                      <td>{e.operator_email}</td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td className="small">{e.target_id}</td>
                      <td>{typeof e.details?.reason === 'string' ? e.details.reason : ''}</td>
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
