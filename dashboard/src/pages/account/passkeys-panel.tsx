import { useState } from 'react';
import { errorMessage } from '../../api/errors';
import { usePasskeys, useRegisterPasskey, useRemovePasskey } from '../../features/account/passkeys.queries';
import { ConfirmButton } from '../../ui/confirm-button';
import { TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { FormError } from '../../ui/states';

/** The browser refuses WebAuthn outside a secure context, or where it has no authenticator API at all. */
const supported = () => typeof window !== 'undefined' && window.isSecureContext && 'PublicKeyCredential' in window;

export function PasskeysPanel() {
  const list = usePasskeys();
  const register = useRegisterPasskey();
  const remove = useRemovePasskey();
  const [name, setName] = useState('');
  return (
    <div className="stack">
      <p className="small muted">
        A passkey signs you in with this device's screen lock or a security key: no password, no code.
      </p>
      <FormError error={list.error ?? remove.error} />
      {list.data && list.data.data.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="Passkeys">
            <thead>
              <tr>
                <th>Name</th>
                <th>Added</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{formatDate(p.created_at)}</td>
                  <td>{formatDate(p.last_used_at)}</td>
                  <td>
                    <ConfirmButton
                      title="Remove passkey"
                      confirmLabel="Remove"
                      message={`${p.name} will no longer sign you in.`}
                      onConfirm={() => remove.mutate(p.id)}
                    >
                      Remove
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        list.data && <p className="muted">No passkeys yet.</p>
      )}
      {supported() ? (
        <form
          aria-label="Add a passkey"
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            register.mutate(name.trim() || 'Passkey', { onSuccess: () => setName('') });
          }}
        >
          <TextField
            label="Passkey name"
            placeholder="e.g. Work laptop"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
          />
          <button type="submit" disabled={register.isPending}>
            {register.isPending ? 'Waiting for your authenticator…' : 'Add a passkey'}
          </button>
        </form>
      ) : (
        <p className="muted">This browser cannot use passkeys here (they need HTTPS or localhost).</p>
      )}
      {register.error != null && (
        <div className="alert error" role="alert">
          {errorMessage(register.error)}
        </div>
      )}
    </div>
  );
}
