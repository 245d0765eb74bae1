import { type FormEvent, useState } from 'react';
import { useParams } from 'react-router';
import { DeliveryLog } from '../../features/webhooks/delivery-log';
import { EventPicker } from '../../features/webhooks/event-picker';
import {
  useCreateEndpoint,
  useDeleteEndpoint,
  useEndpoints,
  useRotateSecret,
  useSendTest,
  useUpdateEndpoint,
  type WebhookEndpoint,
} from '../../features/webhooks/webhooks.queries';
import { useFormErrors } from '../../forms/use-form-errors';
import { collect, httpsUrl, maxLength } from '../../forms/validators';
import { ConfirmButton } from '../../ui/confirm-button';
import { TextField } from '../../ui/field';
import { PageHeader } from '../../ui/page-header';
import { SecretValue } from '../../ui/secret-value';
import { ShownOnce } from '../../ui/shown-once';
import { Empty, FormError, QueryView } from '../../ui/states';

function NewEndpoint({ appId, onSecret }: { appId: string; onSecret: (s: string) => void }) {
  const [v, setV] = useState({ url: '', description: '', events: ['*'] });
  const create = useCreateEndpoint(appId);
  const form = useFormErrors<'url' | 'description' | 'events'>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Loopback receivers are allowed by the Worker in development only; it says so if not.
    const ok = form.check(
      collect({
        url: httpsUrl(v.url, true),
        description: maxLength(v.description, 500, 'Description'),
        events: v.events.length ? undefined : 'Pick at least one kind of event.',
      }),
    );
    if (!ok) return;
    create.mutate(
      {
        url: v.url.trim(),
        event_types: v.events,
        ...(v.description.trim() ? { description: v.description.trim() } : {}),
      },
      {
        onSuccess: (ep) => {
          onSecret(ep.secret);
          setV({ url: '', description: '', events: ['*'] });
        },
        onError: form.fromApi,
      },
    );
  };
  return (
    <form
      className="panel form"
      style={{ maxWidth: 'none' }}
      onSubmit={submit}
      noValidate
      aria-label="Add a webhook endpoint"
    >
      <h2>Add an endpoint</h2>
      <FormError error={create.error} />
      <TextField
        label="Endpoint URL"
        placeholder="https://example.com/webhooks/edgelive"
        value={v.url}
        error={form.errors.url}
        onChange={(e) => setV({ ...v, url: e.target.value })}
      />
      <TextField
        label="Description"
        hint="Optional."
        value={v.description}
        error={form.errors.description}
        onChange={(e) => setV({ ...v, description: e.target.value })}
      />
      <EventPicker value={v.events} onChange={(events) => setV({ ...v, events })} />
      {form.errors.events && <span className="field-error">{form.errors.events}</span>}
      <div>
        <button type="submit" className="primary" disabled={create.isPending}>
          Add endpoint
        </button>
      </div>
    </form>
  );
}

function Endpoint({ appId, ep, onSecret }: { appId: string; ep: WebhookEndpoint; onSecret: (s: string) => void }) {
  const update = useUpdateEndpoint(appId, ep.id);
  const remove = useDeleteEndpoint(appId, ep.id);
  const rotate = useRotateSecret(appId, ep.id);
  const test = useSendTest(appId, ep.id);
  return (
    <section className="panel stack" id={`endpoint-${ep.id}`} aria-label={`Endpoint ${ep.url}`}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <div>
          <strong style={{ wordBreak: 'break-all' }}>{ep.url}</strong>{' '}
          <span className={`badge ${ep.enabled ? 'ok' : 'off'}`}>
            {ep.enabled ? 'enabled' : `disabled${ep.disabled_reason ? ` (${ep.disabled_reason})` : ''}`}
          </span>
          <div className="small muted">
            {ep.description && `${ep.description} · `}Events: <code>{ep.event_types.join(', ') || '*'}</code>
          </div>
          {ep.failing_since && (
            <div className="small field-error">Failing since {new Date(ep.failing_since).toLocaleString()}.</div>
          )}
        </div>
        <div className="row">
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            Send test event
          </button>
          <button type="button" onClick={() => update.mutate({ enabled: !ep.enabled })}>
            {ep.enabled ? 'Disable' : 'Enable'}
          </button>
          <ConfirmButton
            className=""
            title="Rotate signing secret"
            confirmLabel="Rotate"
            message="A new secret is issued. For a while both old and new signatures are sent, so you can switch your receiver without dropping events."
            onConfirm={() => rotate.mutate(undefined, { onSuccess: (r) => onSecret(r.secret) })}
          >
            Rotate secret
          </ConfirmButton>
          <ConfirmButton
            title="Delete endpoint"
            confirmLabel="Delete"
            message="Events stop being sent here; its delivery log is removed."
            onConfirm={() => remove.mutate()}
          >
            Delete
          </ConfirmButton>
        </div>
      </div>
      <FormError error={update.error ?? remove.error ?? rotate.error ?? test.error} />
      {test.isSuccess && (
        <p role="status" className="small">
          Test event queued.
        </p>
      )}
      <DeliveryLog appId={appId} endpointId={ep.id} />
    </section>
  );
}

export function WebhooksPage() {
  const { appId = '' } = useParams();
  const endpoints = useEndpoints(appId);
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Signed (Standard Webhooks) HTTP calls to your backend for everything that happens in this app, retried until they succeed."
      />
      {secret && (
        <ShownOnce title="Signing secret" onDone={() => setSecret(null)}>
          <SecretValue label="Webhook secret" value={secret} initiallyShown />
        </ShownOnce>
      )}
      <NewEndpoint appId={appId} onSecret={setSecret} />
      <QueryView query={endpoints}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty title="No endpoints yet">
              <p>Add one to receive events.</p>
            </Empty>
          ) : (
            page.data.map((ep) => <Endpoint key={ep.id} appId={appId} ep={ep} onSecret={setSecret} />)
          )
        }
      </QueryView>
    </>
  );
}
