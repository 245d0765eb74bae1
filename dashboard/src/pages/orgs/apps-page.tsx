import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { type App, useApps, useCreateApp } from '../../features/apps/apps.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { rememberOrg } from '../../session/current-org';
import { Checkbox, TextArea, TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { type Column, ListTable } from '../../ui/list-table';
import { PageHeader } from '../../ui/page-header';
import { Empty, FormError } from '../../ui/states';

function CreateAppForm({ orgId, onCancel }: { orgId: string; onCancel: () => void }) {
  const [v, setV] = useState({ name: '', description: '' });
  const create = useCreateApp();
  const form = useFormErrors<'name' | 'description'>();
  const navigate = useNavigate();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const ok = form.check(
      collect({
        name: required(v.name, 'Name') ?? maxLength(v.name, 100, 'Name'),
        description: maxLength(v.description, 500, 'Description'),
      }),
    );
    if (!ok) return;
    create.mutate(
      { org_id: orgId, name: v.name.trim(), ...(v.description.trim() ? { description: v.description.trim() } : {}) },
      { onSuccess: (app) => void navigate(`/apps/${app.id}`), onError: form.fromApi },
    );
  };
  return (
    <form className="form panel" onSubmit={submit} noValidate aria-label="New app">
      <h2>New app</h2>
      <FormError error={create.error} />
      <TextField
        label="App name"
        value={v.name}
        error={form.errors.name}
        onChange={(e) => setV({ ...v, name: e.target.value })}
        autoFocus
      />
      <TextArea
        label="Description"
        rows={2}
        value={v.description}
        error={form.errors.description}
        onChange={(e) => setV({ ...v, description: e.target.value })}
        hint="Optional."
      />
      <div className="row">
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create app'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const COLUMNS: Column<App>[] = [
  {
    header: 'Name',
    cell: (a) => (
      <>
        <Link to={`/apps/${a.id}`}>{a.name}</Link>
        {a.description && <div className="small muted">{a.description}</div>}
      </>
    ),
  },
  {
    header: 'Status',
    cell: (a) => <span className={`badge ${a.status === 'active' ? 'ok' : 'off'}`}>{a.status}</span>,
  },
  { header: 'Id', cell: (a) => <code>{a.id}</code> },
  { header: 'Created', cell: (a) => formatDate(a.created_at) },
];

export function AppsPage() {
  const { orgId = '' } = useParams();
  const [archived, setArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const apps = useApps(orgId, archived);
  useEffect(() => rememberOrg(orgId), [orgId]);
  return (
    <>
      <PageHeader
        title="Apps"
        description="Each app has its own streams, rooms, keys and webhooks."
        actions={
          !creating && (
            <button className="primary" type="button" onClick={() => setCreating(true)}>
              New app
            </button>
          )
        }
      />
      {creating && <CreateAppForm orgId={orgId} onCancel={() => setCreating(false)} />}
      <div className="row" style={{ marginBottom: 12 }}>
        <Checkbox label="Show archived apps" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
      </div>
      <ListTable
        query={apps}
        columns={COLUMNS}
        rowKey={(a) => a.id}
        empty={
          <Empty title="No apps yet">
            <p>Create an app to get API keys, live streams and chat rooms.</p>
            {!creating && (
              <button className="primary" type="button" onClick={() => setCreating(true)}>
                Create your first app
              </button>
            )}
          </Empty>
        }
      />
    </>
  );
}
