import { type FormEvent, useState } from 'react';
import { useRequestEmailChange, useResendVerification } from '../../features/account/account.queries';
import { useMe } from '../../session/session.queries';
import { TextField } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';
import { PasskeysPanel } from './passkeys-panel';
import { TotpPanel } from './totp-panel';

function EmailPanel({ email, verified }: { email: string; verified: boolean }) {
  const resend = useResendVerification();
  const change = useRequestEmailChange();
  const [values, setValues] = useState({ new_email: '', password: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate({ new_email: values.new_email.trim(), password: values.password });
  };
  return (
    <div className="stack">
      <p>
        <strong>{email}</strong>{' '}
        {verified ? <span className="badge ok">Verified</span> : <span className="badge warn">Not verified</span>}
      </p>
      {!verified && (
        <div className="row">
          <span className="muted">
            Until it is verified you cannot accept invitations or create a second organization.
          </span>
          <button type="button" disabled={resend.isPending || resend.isSuccess} onClick={() => resend.mutate()}>
            {resend.isSuccess ? 'Sent' : 'Send the link again'}
          </button>
        </div>
      )}
      <h3>Change your sign-in address</h3>
      {change.isSuccess ? (
        <div className="alert info" role="status">
          A link is on its way to {values.new_email}; {email} got a notice. The change happens when you open the link.
        </div>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <FormError error={change.error} />
          <TextField
            label="New email"
            type="email"
            value={values.new_email}
            onChange={(e) => setValues({ ...values, new_email: e.target.value })}
          />
          <TextField
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={values.password}
            onChange={(e) => setValues({ ...values, password: e.target.value })}
          />
          <div>
            <button type="submit" disabled={!values.new_email || !values.password || change.isPending}>
              Send the confirmation link
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

export function AccountPage() {
  const me = useMe();
  return (
    <>
      <PageHeader title="Your account" />
      <QueryView query={me}>
        {(m) =>
          m ? (
            <>
              <section className="panel" aria-labelledby="email-h">
                <h2 id="email-h">Email</h2>
                <EmailPanel email={m.user.email} verified={m.user.email_verified} />
              </section>
              <section className="panel" aria-labelledby="totp-h">
                <h2 id="totp-h">Two-factor sign-in</h2>
                <TotpPanel enabled={m.two_factor ?? false} />
              </section>
              <section className="panel" aria-labelledby="passkeys-h">
                <h2 id="passkeys-h">Passkeys</h2>
                <PasskeysPanel />
              </section>
            </>
          ) : null
        }
      </QueryView>
    </>
  );
}
