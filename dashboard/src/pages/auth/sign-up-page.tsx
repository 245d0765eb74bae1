import { Link, useNavigate, useSearchParams } from 'react-router';
import { useSignUp } from '../../session/session.queries';
import { AuthLayout, safeNext } from './auth-layout';
import { SignUpForm } from './sign-up-form';

export function SignUpPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signUp = useSignUp();
  return (
    <AuthLayout title="Create your account">
      <SignUpForm
        pending={signUp.isPending}
        error={signUp.error}
        onSubmit={(v) =>
          signUp.mutate(v, { onSuccess: () => void navigate(safeNext(params.get('next')), { replace: true }) })
        }
      />
      <p className="small muted">
        Already have an account?{' '}
        <Link to={`/sign-in${params.get('next') ? `?next=${encodeURIComponent(params.get('next')!)}` : ''}`}>
          Sign in
        </Link>
      </p>
    </AuthLayout>
  );
}
