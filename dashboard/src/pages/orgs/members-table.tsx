import { ROLES, type Role, useChangeRole, useMembers, useRemoveMember } from '../../features/orgs/orgs.queries';
import { useMe } from '../../session/session.queries';
import { ConfirmButton } from '../../ui/confirm-button';
import { formatDate } from '../../ui/format';
import { FormError, QueryView } from '../../ui/states';

export function MembersTable({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const members = useMembers(orgId);
  const changeRole = useChangeRole(orgId);
  const remove = useRemoveMember(orgId);
  const me = useMe();
  return (
    <section aria-labelledby="members-h">
      <h2 id="members-h">People</h2>
      <FormError error={changeRole.error ?? remove.error} />
      <QueryView query={members}>
        {(list) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Joined</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={m.id}>
                    <td>
                      {m.name}
                      {m.user_id === me.data?.user.id && <span className="muted"> (you)</span>}
                    </td>
                    <td>{m.email}</td>
                    <td>
                      {canManage ? (
                        <select
                          aria-label={`Role of ${m.email}`}
                          value={m.role}
                          disabled={changeRole.isPending}
                          onChange={(e) => changeRole.mutate({ memberId: m.id, role: e.target.value as Role })}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      ) : (
                        m.role
                      )}
                    </td>
                    <td>{formatDate(m.created_at)}</td>
                    <td>
                      {canManage && (
                        <ConfirmButton
                          title="Remove member"
                          confirmLabel="Remove"
                          message={
                            <>
                              Remove <strong>{m.email}</strong> from this organization? They lose access to all its
                              apps.
                            </>
                          }
                          onConfirm={() => remove.mutate(m.id)}
                        >
                          Remove
                        </ConfirmButton>
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
