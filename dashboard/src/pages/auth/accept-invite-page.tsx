import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { rememberOrg } from '../../session/current-org';
import { meKey, useMe } from '../../session/session.queries';
import { FormError, Loading } from '../../ui/states';
import { AuthLayout } from './auth-layout';

/** The link an invitation hands out (`/accept-invite?token=inv_...`). Signing in comes back here. */
export function AcceptInvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/invitations/accept', { body: { token } })),
    onSuccess: async (org) => {
      rememberOrg(org.id);
      await qc.invalidateQueries();
      void navigate(`/orgs/${org.id}/apps`, { replace: true });
    },
  });
  const here = `/accept-invite?token=${encodeURIComponent(token)}`;

  if (!token) {
    return (
      <AuthLayout title="Invitation">
        <div className="alert error" role="alert">
          This link has no invitation token. Ask for the link again.
        </div>
      </AuthLayout>
    );
  }
  if (me.isPending) return <Loading label="Checking your session…" />;
  if (!me.data) {
    return (
      <AuthLayout title="You're invited">
        <p>Sign in or create an account with the email address the invitation was sent to.</p>
        <div className="row">
          <Link className="button primary" to={`/sign-in?next=${encodeURIComponent(here)}`}>
            Sign in
          </Link>
          <Link className="button" to={`/sign-up?next=${encodeURIComponent(here)}`}>
            Create account
          </Link>
        </div>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Join the organization">
      <p>
        You are signed in as <strong>{me.data.user.email}</strong>.
      </p>
      <FormError error={accept.error} />
      <div className="row">
        <button className="primary" type="button" disabled={accept.isPending} onClick={() => accept.mutate()}>
          {accept.isPending ? 'Joining…' : 'Accept invitation'}
        </button>
        <button
          type="button"
          onClick={() => {
            qc.removeQueries({ queryKey: meKey });
            void navigate('/');
          }}
        >
          Not now
        </button>
      </div>
    </AuthLayout>
  );
}
