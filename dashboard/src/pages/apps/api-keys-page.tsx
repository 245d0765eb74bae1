import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import {
  type ApiKeyWithSecret,
  useApiKeys,
  useCreateApiKey,
  useRevokeApiKey,
  useRotateApiKey,
} from '../../features/keys/api-keys.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength, required } from '../../forms/validators';
import { ConfirmButton } from '../../ui/confirm-button';
import { TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { SecretValue } from '../../ui/secret-value';
import { ShownOnce } from '../../ui/shown-once';
import { Empty, FormError, QueryView } from '../../ui/states';

function NewKeyForm({ appId, onCreated }: { appId: string; onCreated: (k: ApiKeyWithSecret) => void }) {
  const [name, setName] = useState('');
  const create = useCreateApiKey(appId);
  const form = useFormErrors<'name'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.check(collect({ name: required(name, 'Name') ?? maxLength(name, 100, 'Name') }))) return;
    create.mutate(name.trim(), {
      onSuccess: (k) => {
        setName('');
        onCreated(k);
      },
      onError: form.fromApi,
    });
  };
  return (
    <form className="panel stack" onSubmit={submit} noValidate aria-label="Create an API key">
      <FormError error={create.error} />
      <div className="filters">
        <TextField
          label="Key name"
          placeholder="e.g. production backend"
          value={name}
          error={form.errors.name}
          onChange={(e) => setName(e.target.value)}
        />
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create API key
          </button>
        </div>
      </div>
    </form>
  );
}

export function ApiKeysPage() {
  const { appId = '' } = useParams();
  const keys = useApiKeys(appId);
  const revoke = useRevokeApiKey(appId);
  const rotate = useRotateApiKey(appId);
  const [fresh, setFresh] = useState<ApiKeyWithSecret | null>(null);
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Your backend calls the API with <code>Authorization: Bearer &lt;key id&gt;:&lt;secret&gt;</code>. Keys
            belong to this app only.
          </>
        }
      />
      {fresh && (
        <ShownOnce title={`API key "${fresh.name}" created`} onDone={() => setFresh(null)}>
          <div>
            <div className="field-label">Bearer token (key id and secret)</div>
            <SecretValue label="API token" value={fresh.token} initiallyShown />
          </div>
          <div>
            <div className="field-label">Secret alone</div>
            <SecretValue label="API secret" value={fresh.secret} />
          </div>
        </ShownOnce>
      )}
      <NewKeyForm appId={appId} onCreated={setFresh} />
      <FormError error={revoke.error ?? rotate.error} />
      <QueryView query={keys}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No API keys yet">
              <p>Create one for each backend or environment, so you can revoke them separately.</p>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Key id</th>
                    <th>Status</th>
                    <th>Created</th>
                    <th>Last used</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((k) => (
                    <tr key={k.id}>
                      <td>{k.name}</td>
                      <td>
                        <code>{k.id}</code>
                      </td>
                      <td>
                        <span className={`badge ${k.status === 'active' ? 'ok' : 'off'}`}>{k.status}</span>
                      </td>
                      <td>{formatDate(k.created_at)}</td>
                      <td>{formatDate(k.last_used_at)}</td>
                      <td>
                        {k.status === 'active' && (
                          <div className="row">
                            <ConfirmButton
                              className=""
                              title="Rotate API key"
                              confirmLabel="Rotate"
                              message={
                                <>
                                  A new secret replaces <strong>{k.name}</strong> and the old one stops working at once.
                                  Update your backend right after.
                                </>
                              }
                              onConfirm={() => rotate.mutate(k.id, { onSuccess: setFresh })}
                            >
                              Rotate
                            </ConfirmButton>
                            <ConfirmButton
                              title="Revoke API key"
                              confirmLabel="Revoke"
                              message={
                                <>
                                  Calls made with <strong>{k.name}</strong> will be refused from now on. This cannot be
                                  undone.
                                </>
                              }
                              onConfirm={() => revoke.mutate(k.id)}
                            >
                              Revoke
                            </ConfirmButton>
                          </div>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </>
  );
}
