import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useAdminUsers, useViewAs } from '../../features/admin/admin.queries';
import { ReasonButton } from '../../features/admin/reason-button';
import { formatDate } from '../../ui/format';
import { FormError, QueryView } from '../../ui/states';

export function AdminUsers() {
  const [email, setEmail] = useState('');
  const users = useAdminUsers(email.trim());
  const viewAs = useViewAs();
  const navigate = useNavigate();
  return (
    <section aria-labelledby="admin-users-h">
      <h2 id="admin-users-h">Users</h2>
      <div className="field" style={{ maxWidth: 360 }}>
        <label htmlFor="admin-user-search">Email starts with</label>
        <input id="admin-user-search" type="search" value={email} onChange={(e) => setEmail(e.target.value)} />
      </div>
      <FormError error={viewAs.error} />
      <QueryView query={users}>
        {(page) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Verified</th>
                  <th>Joined</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((u) => (
                  <tr key={u.id}>
                    <td>{u.name}</td>
                    <td>{u.email}</td>
                    <td>{u.email_verified ? 'yes' : 'no'}</td>
                    <td>{formatDate(u.created_at)}</td>
                    <td>
                      <ReasonButton
                        title={`View as ${u.email}`}
                        label="Support ticket or reason (kept in the operator audit log)"
                        confirmLabel="View as (read-only)"
                        onConfirm={(reason) =>
                          viewAs.mutate({ userId: u.id, reason }, { onSuccess: () => void navigate('/') })
                        }
                      >
                        View as
                      </ReasonButton>
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
