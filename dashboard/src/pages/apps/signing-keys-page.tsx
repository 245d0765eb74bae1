import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import {
  type SigningKeyWithPrivate,
  useCreateSigningKey,
  useDeleteSigningKey,
  useSigningKeys,
} from '../../features/keys/signing-keys.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, maxLength } from '../../forms/validators';
import { ConfirmButton } from '../../ui/confirm-button';
import { CopyButton } from '../../ui/copy-button';
import { downloadText } from '../../ui/download';
import { TextField } from '../../ui/field';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { ShownOnce } from '../../ui/shown-once';
import { Empty, FormError, QueryView } from '../../ui/states';

function PrivateKey({ k }: { k: SigningKeyWithPrivate }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="stack">
      <div className="row">
        <span className="field-label">
          Key id (the JWT <code>kid</code>):
        </span>{' '}
        <code>{k.id}</code> <CopyButton value={k.id} label="Copy id" />
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          onClick={() => downloadText(`${k.id}.pem`, k.private_key, 'application/x-pem-file')}
        >
          Download private key (.pem)
        </button>
        <CopyButton value={k.private_key} label="Copy PEM" />
        <CopyButton value={k.private_key_base64} label="Copy base64" />
        <button type="button" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
          {shown ? 'Hide' : 'Show'} PEM
        </button>
      </div>
      {shown && <pre className="panel">{k.private_key}</pre>}
    </div>
  );
}

export function SigningKeysPage() {
  const { appId = '' } = useParams();
  const keys = useSigningKeys(appId);
  const create = useCreateSigningKey(appId);
  const remove = useDeleteSigningKey(appId);
  const [name, setName] = useState('');
  const [fresh, setFresh] = useState<SigningKeyWithPrivate | null>(null);
  const form = useFormErrors<'name'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!form.check(collect({ name: maxLength(name, 100, 'Name') }))) return;
    create.mutate(name.trim(), {
      onSuccess: (k) => {
        setName('');
        setFresh(k);
      },
      onError: form.fromApi,
    });
  };
  return (
    <>
      <PageHeader
        title="Signing keys"
        description="Your backend signs playback and chat tokens (RS256 JWTs, kid = key id) with the private key. Edgelive keeps only the public half."
      />
      {fresh && (
        <ShownOnce title={`Signing key "${fresh.name}" created`} onDone={() => setFresh(null)}>
          <PrivateKey k={fresh} />
        </ShownOnce>
      )}
      <form className="panel stack" onSubmit={submit} noValidate aria-label="Create a signing key">
        <FormError error={create.error} />
        <div className="filters">
          <TextField
            label="Key name"
            hint="Optional."
            value={name}
            error={form.errors.name}
            onChange={(e) => setName(e.target.value)}
          />
          <div>
            <button type="submit" className="primary" disabled={create.isPending}>
              {create.isPending ? 'Generating…' : 'Create signing key'}
            </button>
          </div>
        </div>
      </form>
      <FormError error={remove.error} />
      <QueryView query={keys}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No signing keys yet">
              <p>You need one to sign tokens for signed playback and for chat users.</p>
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Key id</th>
                    <th>Algorithm</th>
                    <th>Created</th>
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
                      <td>{k.algorithm}</td>
                      <td>{formatDate(k.created_at)}</td>
                      <td>
                        <ConfirmButton
                          title="Delete signing key"
                          confirmLabel="Delete"
                          message={
                            <>
                              Tokens signed with <strong>{k.name}</strong> stop working at once: viewers and chat users
                              holding them are refused.
                            </>
                          }
                          onConfirm={() => remove.mutate(k.id)}
                        >
                          Delete
                        </ConfirmButton>
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
