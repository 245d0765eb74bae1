import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import { roleAtLeast, useOrgs, useRenameOrg } from '../../features/orgs/orgs.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { TextField } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { FormError, QueryView } from '../../ui/states';
import { RequireTwoFactorPanel } from './require-two-factor-panel';

function RenameForm({ orgId, current, canEdit }: { orgId: string; current: string; canEdit: boolean }) {
  const [name, setName] = useState(current);
  const rename = useRenameOrg(orgId);
  const form = useFormErrors<'name'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.check(collect({ name: required(name, 'Name') ?? maxLength(name, 100, 'Name') }))) return;
    rename.mutate(name.trim(), { onError: form.fromApi });
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={rename.error} />
      {rename.isSuccess && (
        <div className="alert info" role="status">
          Saved.
        </div>
      )}
      <TextField
        label="Organization name"
        value={name}
        disabled={!canEdit}
        error={form.errors.name}
        onChange={(e) => setName(e.target.value)}
        hint={canEdit ? undefined : 'Only owners can rename the organization.'}
      />
      <div>
        <button type="submit" className="primary" disabled={!canEdit || rename.isPending}>
          Save
        </button>
      </div>
    </form>
  );
}

export function OrgSettingsPage() {
  const { orgId = '' } = useParams();
  const orgs = useOrgs();
  return (
    <>
      <PageHeader title="Organization settings" />
      <QueryView query={orgs}>
        {(list) => {
          const org = list.find((o) => o.id === orgId);
          if (!org)
            return (
              <div className="alert error" role="alert">
                This organization does not exist or you are not a member.
              </div>
            );
          return (
            <>
              <section className="panel">
                <RenameForm key={org.id} orgId={org.id} current={org.name} canEdit={roleAtLeast(org.role, 'owner')} />
                <p className="small muted">
                  Organization id: <code>{org.id}</code> · your role: {org.role}
                </p>
              </section>
              <RequireTwoFactorPanel
                orgId={org.id}
                on={org.require_two_factor}
                canEdit={roleAtLeast(org.role, 'owner')}
              />
            </>
          );
        }}
      </QueryView>
    </>
  );
}
