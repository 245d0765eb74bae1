import { useAdminOrgs, useSuspendOrg, useUnsuspendOrg } from '../../features/admin/admin.queries';
import { ReasonButton } from '../../features/admin/reason-button';
import { ConfirmButton } from '../../ui/confirm-button';
import { formatDate } from '../../ui/format';
import { FormError, QueryView } from '../../ui/states';

export function AdminOrgs() {
  const orgs = useAdminOrgs();
  const suspend = useSuspendOrg();
  const unsuspend = useUnsuspendOrg();
  return (
    <section aria-labelledby="admin-orgs-h">
      <h2 id="admin-orgs-h">Organizations</h2>
      <FormError error={suspend.error ?? unsuspend.error} />
      <QueryView query={orgs}>
        {(page) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Plan</th>
                  <th>Usage this period</th>
                  <th>Members</th>
                  <th>Apps</th>
                  <th>Live now</th>
                  <th>Created</th>
                  <th>Status</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((o) => (
                  <tr key={o.id}>
                    <td>
                      {o.name}
                      <div className="muted small">{o.id}</div>
                    </td>
                    <td>{o.plan.name}</td>
                    <td className="small">
                      <UsageSummary totals={o.usage.totals} />
                    </td>
                    <td>{o.members}</td>
                    <td>{o.apps}</td>
                    <td>{o.live_streams}</td>
                    <td>{formatDate(o.created_at)}</td>
                    <td>
                      {o.suspended ? (
                        <span className="badge bad" title={o.suspended_reason ?? ''}>
                          Suspended
                        </span>
                      ) : (
                        <span className="badge ok">Active</span>
                      )}
                    </td>
                    <td>
                      {o.suspended ? (
                        <ConfirmButton
                          className=""
                          title="Lift the suspension"
                          confirmLabel="Unsuspend"
                          message={
                            <>
                              Let <strong>{o.name}</strong> use its API and publish again?
                            </>
                          }
                          onConfirm={() => unsuspend.mutate(o.id)}
                        >
                          Unsuspend
                        </ConfirmButton>
                      ) : (
                        <ReasonButton
                          className="danger"
                          title={`Suspend ${o.name}`}
                          label="Why (kept in the operator audit log)"
                          confirmLabel="Suspend"
                          onConfirm={(reason) => suspend.mutate({ orgId: o.id, reason })}
                        >
                          Suspend
                        </ReasonButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </section>
  );
}

const minutes = (seconds: number | undefined) => Math.round((seconds ?? 0) / 60).toLocaleString();

/** The meters an operator asks about first: ingest and delivered minutes, API requests. */
function UsageSummary({ totals }: { totals: Record<string, number> }) {
  return (
    <>
      {minutes(totals.ingest_seconds)} ingest min · {minutes(totals.delivered_seconds)} delivered min ·{' '}
      {(totals.api_requests ?? 0).toLocaleString()} API requests
    </>
  );
}
