import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiRequestError } from '../../api/errors';
import { oauthStartUrl, useCompleteOAuth, useOAuthProviders } from '../../features/account/oauth.queries';
import { usePasskeySignIn } from '../../features/account/passkeys.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, email, required } from '../../forms/validators';
import { useSignIn } from '../../session/session.queries';
import { TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { AuthLayout, safeNext } from './auth-layout';
import { SecondFactorField, secondFactorBody } from './second-factor-field';

const needsSecondFactor = (err: unknown) => err instanceof ApiRequestError && err.code === 'two_factor_required';

export function SignInPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signIn = useSignIn();
  const passkey = usePasskeySignIn();
  const completeOAuth = useCompleteOAuth();
  const providers = useOAuthProviders();
  const form = useFormErrors<'email' | 'password'>();
  const [values, setValues] = useState({ email: '', password: '' });
  const [code, setCode] = useState('');
  const next = safeNext(params.get('next'));
  const done = () => void navigate(next, { replace: true });
  // Back from Google/GitHub for an account with two-factor sign-in: only the code is missing.
  const oauthSecondFactor = params.get('second_factor');
  const askCode = oauthSecondFactor !== null || needsSecondFactor(signIn.error) || code !== '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (oauthSecondFactor) {
      completeOAuth.mutate(secondFactorBody(code), { onSuccess: () => void navigate('/', { replace: true }) });
      return;
    }
    if (!form.check(collect({ email: email(values.email), password: required(values.password, 'Password') }))) return;
    signIn.mutate({ ...values, ...(code ? secondFactorBody(code) : {}) }, { onSuccess: done });
  };

  if (oauthSecondFactor) {
    return (
      <AuthLayout title="Two-factor sign-in">
        <form className="form" onSubmit={submit} noValidate>
          <p className="muted">Signed in with {oauthSecondFactor === 'github' ? 'GitHub' : 'Google'}. One more step.</p>
          <FormError error={completeOAuth.error} />
          <SecondFactorField value={code} onChange={setCode} />
          <button className="primary" type="submit" disabled={completeOAuth.isPending || !code}>
            Verify
          </button>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Sign in">
      <form className="form" onSubmit={submit} noValidate>
        {!needsSecondFactor(signIn.error) && <FormError error={signIn.error} />}
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
        {askCode && <SecondFactorField value={code} onChange={setCode} />}
        <button className="primary" type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {typeof window.PublicKeyCredential === 'function' && window.isSecureContext && (
          <button
            type="button"
            onClick={() => passkey.mutate(undefined, { onSuccess: done })}
            disabled={passkey.isPending}
          >
            Use a passkey
          </button>
        )}
        <FormError error={passkey.error} />
        {(providers.data?.data.length ?? 0) > 0 && (
          <div className="oauth-buttons">
            {providers.data!.data.map((p) => (
              <a key={p.id} className="button" href={oauthStartUrl(p.id, next)}>
                Sign in with {p.name}
              </a>
            ))}
          </div>
        )}
        <p className="small muted">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
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
