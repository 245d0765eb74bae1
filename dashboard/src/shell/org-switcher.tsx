import { useId } from 'react';
import { useNavigate } from 'react-router';
import { useOrgs } from '../features/orgs/orgs.queries';
import { rememberOrg } from '../session/current-org';

export function OrgSwitcher({ orgId }: { orgId: string | null }) {
  const orgs = useOrgs();
  const navigate = useNavigate();
  const id = useId();
  if (orgs.isPending) return <span className="small muted">Loading organizations…</span>;
  if (orgs.error) return <span className="small field-error">Organizations could not be loaded.</span>;
  const current = orgs.data.find((o) => o.id === orgId);
  return (
    <div className="field">
      <label htmlFor={id} className="small">
        Organization
      </label>
      <select
        id={id}
        value={orgId ?? ''}
        onChange={(e) => {
          if (e.target.value === '__new') return void navigate('/orgs/new');
          rememberOrg(e.target.value);
          void navigate(`/orgs/${e.target.value}/apps`);
        }}
      >
        {orgId === null && <option value="">Choose…</option>}
        {orgs.data.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
        <option value="__new">+ New organization…</option>
      </select>
      {/* Its own line: inside the option it was cut off with a long organization name. */}
      {current && (
        <span className="small muted" data-testid="org-role">
          Your role: {current.role}
        </span>
      )}
    </div>
  );
}
