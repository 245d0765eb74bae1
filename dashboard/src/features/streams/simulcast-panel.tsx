import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../ui/confirm-button';
import { formatDate } from '../../ui/format';
import { FormError } from '../../ui/states';
import {
  type SimulcastTarget,
  useAddSimulcastTarget,
  useDeleteSimulcastTarget,
  useSetTargetEnabled,
  useSimulcastTargets,
} from './simulcast.queries';

const BADGE: Record<SimulcastTarget['status'], string> = {
  idle: 'off',
  starting: 'warn',
  broadcasting: 'ok',
  errored: 'bad',
};

function TargetRow({ appId, streamId, t }: { appId: string; streamId: string; t: SimulcastTarget }) {
  const setEnabled = useSetTargetEnabled(appId, streamId);
  const remove = useDeleteSimulcastTarget(appId, streamId);
  return (
    <tr>
      <td>
        <strong>{t.name ?? 'Unnamed'}</strong>
        <div className="small muted">
          <code>{t.url}</code>
          {t.stream_key_set ? ' + key' : ''}
        </div>
      </td>
      <td>
        <span className={`badge ${BADGE[t.status]}`}>{t.status}</span>
        {t.status === 'errored' && (
          <div className="small muted" role="note">
            {t.last_error}
            {t.next_retry_at ? ` · retry ${formatDate(t.next_retry_at)}` : ''}
          </div>
        )}
      </td>
      <td className="row">
        <FormError error={setEnabled.error ?? remove.error} />
        <button
          type="button"
          onClick={() => setEnabled.mutate({ id: t.id, enabled: !t.enabled })}
          disabled={setEnabled.isPending}
        >
          {t.enabled ? 'Disable' : 'Enable'}
        </button>
        <ConfirmButton
          title="Delete simulcast target"
          confirmLabel="Delete"
          message="A live push to this target stops now."
          onConfirm={() => remove.mutate(t.id)}
        >
          Delete
        </ConfirmButton>
      </td>
    </tr>
  );
}

/** The stream page's restreaming panel: each target's status as the origin reports it, and add/enable/remove. */
export function SimulcastPanel({ appId, streamId }: { appId: string; streamId: string }) {
  const targets = useSimulcastTargets(appId, streamId);
  const add = useAddSimulcastTarget(appId, streamId);
  const [url, setUrl] = useState('');
  const [streamKey, setStreamKey] = useState('');
  const [name, setName] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      { url, ...(streamKey ? { stream_key: streamKey } : {}), ...(name ? { name } : {}) },
      {
        onSuccess: () => {
          setUrl('');
          setStreamKey('');
          setName('');
        },
      },
    );
  };
  const rows = targets.data?.data ?? [];
  return (
    <section className="panel" aria-labelledby="simulcast-h">
      <h2 id="simulcast-h">Simulcast targets</h2>
      <p className="small muted">
        Restream to YouTube, Twitch or any RTMP(S) server. Changes take effect within seconds, also while live; keys are
        stored encrypted and never shown again.
      </p>
      <FormError error={targets.error} />
      {rows.length === 0 ? (
        <p className="muted">No targets: this stream is only served as HLS.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Target</th>
              <th>Status</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <TargetRow key={t.id} appId={appId} streamId={streamId} t={t} />
            ))}
          </tbody>
        </table>
      )}
      <form className="row" onSubmit={submit} aria-label="Add simulcast target">
        <input aria-label="Name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
        <input
          aria-label="RTMP URL"
          placeholder="rtmp://a.rtmp.youtube.com/live2"
          required
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <input
          aria-label="Stream key"
          placeholder="Stream key"
          type="password"
          value={streamKey}
          onChange={(e) => setStreamKey(e.target.value)}
        />
        <button type="submit" disabled={add.isPending}>
          Add target
        </button>
      </form>
      <FormError error={add.error} />
    </section>
  );
}
