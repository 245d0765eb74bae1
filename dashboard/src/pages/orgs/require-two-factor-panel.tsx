import { useState } from 'react';
import { Link } from 'react-router';
import { useRequireTwoFactor } from '../../features/account/account.queries';
import { FormError } from '../../ui/states';

/** The org's "require two-factor sign-in of every member" switch (owners; they need it on themselves first). */
export function RequireTwoFactorPanel({ orgId, on, canEdit }: { orgId: string; on: boolean; canEdit: boolean }) {
  const set = useRequireTwoFactor(orgId);
  // Shown at once (a checkbox that lags its click reads as broken); a refusal puts it back.
  const [value, setValue] = useState(on);
  return (
    <section className="panel" aria-labelledby="org-2fa-h">
      <h2 id="org-2fa-h">Security</h2>
      <FormError error={set.error} />
      <label className="row">
        <input
          type="checkbox"
          checked={value}
          disabled={!canEdit || set.isPending}
          onChange={(e) => {
            const next = e.target.checked;
            setValue(next);
            set.mutate(next, { onError: () => setValue(!next) });
          }}
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
