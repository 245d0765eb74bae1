import { type FormEvent, useState } from 'react';
import { ConfirmButton } from '../../ui/confirm-button';
import { FormError } from '../../ui/states';
import { HlsPlayer } from '../player/hls-player';
import {
  previewUrl,
  type StreamInput,
  useAddInput,
  useDeleteInput,
  useInputPreview,
  useSetFailover,
  useStreamInputs,
  useStreamProgram,
  useSwitchInput,
} from './inputs.queries';

function InputTile({
  appId,
  streamId,
  input,
  tick,
}: {
  appId: string;
  streamId: string;
  input: StreamInput;
  tick: number;
}) {
  const cut = useSwitchInput(appId, streamId);
  const remove = useDeleteInput(appId, streamId);
  const connected = input.status === 'connected';
  const preview = useInputPreview(appId, streamId, input.id, connected);
  return (
    <li className={`panel input-tile${input.on_air ? ' on-air' : ''}`} aria-label={`Input ${input.name}`}>
      <div className="row">
        <strong>{input.name}</strong>
        {input.on_air && <span className="badge bad">on air</span>}
        <span className={`badge ${connected ? 'ok' : 'off'}`}>{input.status}</span>
      </div>
      {connected ? (
        <div style={{ width: 240 }}>
          {/* The camera live (its lowest rung), with its latest frame until the player starts. */}
          {preview.data ? (
            <HlsPlayer
              src={preview.data.url}
              title={`Live preview of ${input.name}`}
              poster={previewUrl(appId, streamId, input.id, tick)}
            />
          ) : (
            <img
              alt={`Preview of ${input.name}`}
              src={previewUrl(appId, streamId, input.id, tick)}
              width={240}
              height={135}
              style={{ background: '#111', objectFit: 'contain' }}
            />
          )}
        </div>
      ) : (
        <div className="muted small" style={{ width: 240, height: 135, background: '#eee' }}>
          Not publishing
        </div>
      )}
      <div className="small muted">
        Key <code>{input.stream_key ?? 'unavailable'}</code>
      </div>
      <FormError error={cut.error ?? remove.error} />
      <div className="row">
        <button
          type="button"
          onClick={() => cut.mutate(input.id)}
          disabled={input.on_air || !connected || cut.isPending}
        >
          {input.on_air ? 'On air' : 'Cut to this'}
        </button>
        {!input.primary && !input.on_air && (
          <ConfirmButton
            title="Delete input"
            confirmLabel="Delete"
            message="Its key stops publishing."
            onConfirm={() => remove.mutate(input.id)}
          >
            Delete
          </ConfirmButton>
        )}
      </div>
    </li>
  );
}

/** The stream page's multi-camera switcher: a tile per input with its preview, which one is on air, one click to cut. */
export function InputSwitcher({ appId, streamId }: { appId: string; streamId: string }) {
  const inputs = useStreamInputs(appId, streamId);
  const program = useStreamProgram(appId, streamId);
  const add = useAddInput(appId, streamId);
  const failover = useSetFailover(appId, streamId);
  const [name, setName] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(name, { onSuccess: () => setName('') });
  };
  // Oldest first: the primary input, then cameras in the order they were added.
  const rows = [...(inputs.data?.data ?? [])].reverse();
  return (
    <section className="panel" aria-labelledby="inputs-h">
      <h2 id="inputs-h">Inputs (cameras)</h2>
      <p className="small muted">
        Each input publishes with its own key to the same RTMP URL. The one on air is what viewers, the recording and
        simulcast targets get; a cut reaches viewers within seconds on the same playlist.
      </p>
      <FormError error={inputs.error ?? failover.error} />
      <ul className="row" style={{ listStyle: 'none', padding: 0, flexWrap: 'wrap', gap: '1rem' }}>
        {rows.map((i) => (
          <InputTile key={i.id} appId={appId} streamId={streamId} input={i} tick={inputs.dataUpdatedAt} />
        ))}
      </ul>
      <label className="row">
        <input
          type="checkbox"
          checked={program.data?.auto_failover ?? false}
          disabled={!program.data || failover.isPending}
          onChange={(e) => failover.mutate(e.target.checked)}
        />
        Automatic failover: when the input on air drops, cut to the next connected one after{' '}
        {program.data?.failover_after_s ?? 3} s
      </label>
      <form className="row" onSubmit={submit} aria-label="Add input">
        <input
          aria-label="Input name"
          placeholder="Camera 2"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" disabled={add.isPending}>
          Add input
        </button>
        <FormError error={add.error} />
      </form>
    </section>
  );
}
