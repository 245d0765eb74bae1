import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCreateOrg } from '../../features/orgs/orgs.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { rememberOrg } from '../../session/current-org';
import { TextField } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { FormError } from '../../ui/states';

export function NewOrgPage() {
  const [name, setName] = useState('');
  const create = useCreateOrg();
  const form = useFormErrors<'name'>();
  const navigate = useNavigate();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.check(collect({ name: required(name, 'Name') ?? maxLength(name, 100, 'Name') }))) return;
    create.mutate(name.trim(), {
      onSuccess: (org) => {
        rememberOrg(org.id);
        void navigate(`/orgs/${org.id}/apps`);
      },
      onError: form.fromApi,
    });
  };
  return (
    <>
      <PageHeader
        title="New organization"
        description="Organizations hold apps and the people who work on them. You will be its owner."
      />
      <form className="form panel" onSubmit={submit} noValidate>
        <FormError error={create.error} />
        <TextField label="Name" value={name} error={form.errors.name} onChange={(e) => setName(e.target.value)} />
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create organization
          </button>
        </div>
      </form>
    </>
  );
}
