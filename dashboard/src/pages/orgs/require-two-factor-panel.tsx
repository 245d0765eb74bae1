import { Link } from 'react-router';
import { useRequireTwoFactor } from '../../features/account/account.queries';
import { FormError } from '../../ui/states';

/** The org's "require two-factor sign-in of every member" switch (owners; they need it on themselves first). */
export function RequireTwoFactorPanel({ orgId, on, canEdit }: { orgId: string; on: boolean; canEdit: boolean }) {
  const set = useRequireTwoFactor(orgId);
  const value = set.isSuccess ? set.data.require_two_factor : on;
  return (
    <section className="panel" aria-labelledby="org-2fa-h">
      <h2 id="org-2fa-h">Security</h2>
      <FormError error={set.error} />
      <label className="row">
        <input
          type="checkbox"
          checked={value}
          disabled={!canEdit || set.isPending}
          onChange={(e) => set.mutate(e.target.checked)}
        />
        Require two-factor sign-in of every member
      </label>
      <p className="small muted">
        Members without it are refused this organization's apps until they turn it on under{' '}
        <Link to="/account">Your account</Link>. API keys are not affected.
        {!canEdit && ' Only owners can change this.'}
      </p>
    </section>
  );
}
