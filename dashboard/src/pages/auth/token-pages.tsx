import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  useConfirmEmailChange,
  useConfirmReset,
  useRequestReset,
  useVerifyEmail,
} from '../../features/account/account.queries';
import { TextField } from '../../ui/field';
import { FormError, Loading } from '../../ui/states';
import { AuthLayout } from './auth-layout';

/** The pages the mailed links open: each takes `?token=` and says plainly what happened. */

function useOnce(run: () => void) {
  // React runs effects twice in development; a link is single-use, so it is sent once.
  const done = useRef(false);
  useEffect(() => {
    if (done.current) return;
    done.current = true;
    run();
  }, [run]);
}

function Done({ children }: { children: string }) {
  return (
    <>
      <div className="alert info" role="status">
        {children}
      </div>
      <p>
        <Link className="button primary" to="/">
          Go to the console
        </Link>
      </p>
    </>
  );
}

export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const verify = useVerifyEmail();
  const token = params.get('token') ?? '';
  useOnce(() => token && verify.mutate(token));
  return (
    <AuthLayout title="Verify your email">
      {verify.isPending && <Loading label="Verifying…" />}
      <FormError error={verify.error} />
      {verify.isSuccess && <Done>{`${verify.data.user.email} is verified. Thank you.`}</Done>}
    </AuthLayout>
  );
}

export function ConfirmEmailChangePage() {
  const [params] = useSearchParams();
  const confirm = useConfirmEmailChange();
  const token = params.get('token') ?? '';
  useOnce(() => token && confirm.mutate(token));
  return (
    <AuthLayout title="Confirm your new email">
      {confirm.isPending && <Loading label="Confirming…" />}
      <FormError error={confirm.error} />
      {confirm.isSuccess && <Done>Your sign-in address is changed. Both addresses got a note.</Done>}
    </AuthLayout>
  );
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const request = useRequestReset();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (email.trim()) request.mutate(email.trim());
  };
  return (
    <AuthLayout title="Reset your password">
      {request.isSuccess ? (
        <div className="alert info" role="status">
          If an account uses {email}, a reset link is on its way. It works once, for 30 minutes.
        </div>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <FormError error={request.error} />
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <button className="primary" type="submit" disabled={request.isPending || !email.trim()}>
            Send the link
          </button>
        </form>
      )}
      <p className="small muted">
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </AuthLayout>
  );
}

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const [password, setPassword] = useState('');
  const confirm = useConfirmReset();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate({ token: params.get('token') ?? '', password });
  };
  return (
    <AuthLayout title="Choose a new password">
      {confirm.isSuccess ? (
        <>
          <div className="alert info" role="status">
            Your password is changed and every session was signed out.
          </div>
          <Link className="button primary" to="/sign-in">
            Sign in
          </Link>
        </>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <FormError error={confirm.error} />
          <TextField
            label="New password"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters."
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <button className="primary" type="submit" disabled={confirm.isPending || password.length < 10}>
            Set password
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
