import { useState } from 'react';
import { Checkbox, SelectField, TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { type ConnectorDraft, connectorBody, EMPTY_DRAFT } from './connector-form';
import { useAddConnector } from './connectors.queries';

/** Adds an external chat to the room: a Twitch channel, any IRC server's channel, or a YouTube live chat. */
export function AddConnectorForm({ appId, roomId }: { appId: string; roomId: string }) {
  const add = useAddConnector(appId, roomId);
  const [d, setD] = useState<ConnectorDraft>(EMPTY_DRAFT);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<ConnectorDraft>) => setD((x) => ({ ...x, ...patch }));
  const yt = d.kind === 'youtube';
  return (
    <form
      aria-label="Add a connector"
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        const r = connectorBody(d);
        if ('error' in r) return setProblem(r.error);
        setProblem(null);
        add.mutate(r.body, { onSuccess: () => setD({ ...EMPTY_DRAFT, kind: d.kind }) });
      }}
    >
      <SelectField
        label="Connect to"
        value={d.kind}
        onChange={(e) => set({ kind: e.target.value as ConnectorDraft['kind'] })}
        options={[
          ['twitch', 'Twitch channel'],
          ['irc', 'IRC server'],
          ['youtube', 'YouTube live chat'],
        ]}
      />
      {yt ? (
        <>
          <TextField
            label="Video id or live chat id"
            value={d.video}
            onChange={(e) => set({ video: e.target.value })}
          />
          <TextField
            label="API key"
            hint="Reads a public chat."
            value={d.apiKey}
            onChange={(e) => set({ apiKey: e.target.value })}
          />
          <TextField
            label="OAuth token"
            hint="youtube.force-ssl scope: needed to relay."
            type="password"
            value={d.token}
            onChange={(e) => set({ token: e.target.value })}
          />
        </>
      ) : (
        <>
          {d.kind === 'irc' && (
            <div className="row">
              <TextField label="Host" value={d.host} onChange={(e) => set({ host: e.target.value })} />
              <TextField
                label="Port"
                inputMode="numeric"
                value={d.port}
                onChange={(e) => set({ port: e.target.value })}
              />
              <Checkbox label="TLS" checked={d.tls} onChange={(e) => set({ tls: e.target.checked })} />
            </div>
          )}
          <TextField label="Channel" value={d.channel} onChange={(e) => set({ channel: e.target.value })} />
          <TextField
            label="Nick"
            hint="Empty: read-only as an anonymous viewer."
            value={d.nick}
            onChange={(e) => set({ nick: e.target.value })}
          />
          <TextField
            label="Token"
            hint={d.kind === 'twitch' ? 'oauth:… (needed to relay)' : 'The server password, if it has one.'}
            type="password"
            value={d.token}
            onChange={(e) => set({ token: e.target.value })}
          />
        </>
      )}
      <Checkbox
        label="Relay messages written here"
        checked={d.relay}
        onChange={(e) => set({ relay: e.target.checked })}
      />
      {problem && (
        <div className="alert error" role="alert">
          {problem}
        </div>
      )}
      <FormError error={add.error} />
      <div>
        <button type="submit" className="primary" disabled={add.isPending}>
          Add connector
        </button>
      </div>
    </form>
  );
}
