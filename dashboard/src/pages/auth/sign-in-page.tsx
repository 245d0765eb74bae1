import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, email, required } from '../../forms/validators';
import { useSignIn } from '../../session/session.queries';
import { TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { AuthLayout, safeNext } from './auth-layout';

export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signIn = useSignIn();
  const form = useFormErrors<'email' | 'password'>();
  const [values, setValues] = useState({ email: '', password: '' });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.check(collect({ email: email(values.email), password: required(values.password, 'Password') }))) return;
    signIn.mutate(values, { onSuccess: () => void navigate(safeNext(params.get('next')), { replace: true }) });
  };

  return (
    <AuthLayout title="Sign in">
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={signIn.error} />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          value={values.email}
          error={form.errors.email}
          onChange={(e) => setValues({ ...values, email: e.target.value })}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={values.password}
          error={form.errors.password}
          onChange={(e) => setValues({ ...values, password: e.target.value })}
        />
        <button className="primary" type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="small muted">
          New here?{' '}
          <Link to={`/sign-up${params.get('next') ? `?next=${encodeURIComponent(params.get('next')!)}` : ''}`}>
            Create an account
          </Link>
        </p>
      </form>
    </AuthLayout>
  );
}
