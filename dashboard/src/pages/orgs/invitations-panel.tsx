import { type FormEvent, useState } from 'react';
import { ROLES, type Role, useInvitations, useInvite, useRevokeInvitation } from '../../features/orgs/orgs.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, email } from '../../forms/validators';
import { ConfirmButton } from '../../ui/confirm-button';
import { CopyButton } from '../../ui/copy-button';
import { SelectField, TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { Empty, FormError, QueryView } from '../../ui/states';

/** The API answers with a link for the Worker's origin; people should open the console they use. */
function consoleLink(acceptUrl: string): string {
  const u = new URL(acceptUrl);
  return `${window.location.origin}/accept-invite${u.search}`;
}

function InviteForm({ orgId }: { orgId: string }) {
  const [v, setV] = useState<{ email: string; role: Role }>({ email: '', role: 'developer' });
  const invite = useInvite(orgId);
  const form = useFormErrors<'email' | 'role'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.check(collect({ email: email(v.email), role: undefined }))) return;
    invite.mutate(
      { email: v.email.trim(), role: v.role },
      { onSuccess: () => setV({ ...v, email: '' }), onError: form.fromApi },
    );
  };
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Invite someone">
      <FormError error={invite.error} />
      <div className="filters">
        <TextField
          label="Email"
          type="email"
          value={v.email}
          error={form.errors.email}
          onChange={(e) => setV({ ...v, email: e.target.value })}
        />
        <SelectField
          label="Role"
          value={v.role}
          options={ROLES.map((r) => [r, r] as const)}
          onChange={(e) => setV({ ...v, role: e.target.value as Role })}
        />
        <div>
          <button type="submit" className="primary" disabled={invite.isPending}>
            Invite
          </button>
        </div>
      </div>
      {invite.data && (
        <div className="alert info" role="status">
          <p style={{ marginTop: 0 }}>
            Invitation created for <strong>{invite.data.email}</strong>. There is no mail server: send them this link.
            It works once and expires {formatDate(invite.data.expires_at)}.
          </p>
          <div className="secret">
            <code>{consoleLink(invite.data.accept_url)}</code>
            <CopyButton value={consoleLink(invite.data.accept_url)} label="Copy link" />
          </div>
        </div>
      )}
    </form>
  );
}

export function InvitationsPanel({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const invitations = useInvitations(orgId);
  const revoke = useRevokeInvitation(orgId);
  return (
    <section aria-labelledby="inv-h" className="panel">
      <h2 id="inv-h">Invitations</h2>
      {canManage ? <InviteForm orgId={orgId} /> : <p className="muted small">Only owners can invite people.</p>}
      <FormError error={revoke.error} />
      <QueryView query={invitations}>
        {(list) =>
          list.length === 0 ? (
            <Empty title="No invitations" />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Email</th>
                    <th>Role</th>
                    <th>Status</th>
                    <th>Expires</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((i) => (
                    <tr key={i.id}>
                      <td>{i.email}</td>
                      <td>{i.role}</td>
                      <td>
                        <span
                          className={`badge ${i.status === 'pending' ? 'warn' : i.status === 'accepted' ? 'ok' : 'off'}`}
                        >
                          {i.status}
                        </span>
                      </td>
                      <td>{formatDate(i.expires_at)}</td>
                      <td>
                        {canManage && i.status === 'pending' && (
                          <ConfirmButton
                            title="Revoke invitation"
                            confirmLabel="Revoke"
                            message={
                              <>
                                The link sent to <strong>{i.email}</strong> will stop working.
                              </>
                            }
                            onConfirm={() => revoke.mutate(i.id)}
                          >
                            Revoke
                          </ConfirmButton>
                        )}
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
