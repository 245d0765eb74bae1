import { useState } from 'react';
import { ConfirmButton } from '../../ui/confirm-button';
import { Checkbox, SelectField, TextField } from '../../ui/field';
import { FormError } from '../../ui/states';
import { type ConnectorDraft, connectorBody, EMPTY_DRAFT } from './connector-form';
import { type Connector, useAddConnector, useConnectors, useRemoveConnector } from './connectors.queries';

const STATUS: Record<Connector['status'], string> = { connecting: 'warn', connected: 'ok', errored: 'bad' };

function ConnectorRow({ c, onRemove }: { c: Connector; onRemove: () => void }) {
  const where = c.kind === 'youtube' ? c.video_id || c.channel || 'live chat' : `${c.channel} on ${c.host}:${c.port}`;
  return (
    <tr>
      <td>{c.kind === 'youtube' ? 'YouTube' : c.host.endsWith('twitch.tv') ? 'Twitch' : 'IRC'}</td>
      <td>
        <code>{where}</code>
        {c.nick && <div className="small muted">as {c.nick}</div>}
      </td>
      <td>
        <span className={`badge ${STATUS[c.status]}`} data-status={c.status}>
          {c.status}
        </span>
        {c.last_error && <div className="small">{c.last_error}</div>}
      </td>
      <td>{c.relay ? 'both ways' : 'in only'}</td>
      <td>
        <ConfirmButton
          title="Remove connector"
          confirmLabel="Remove"
          message="Messages from the external chat stop arriving in this room."
          onConfirm={onRemove}
        >
          Remove
        </ConfirmButton>
      </td>
    </tr>
  );
}

/** External chats mirrored into the room (Twitch or any IRC server, YouTube live chat): add, watch, remove. */
export function ConnectorsPanel({ appId, roomId }: { appId: string; roomId: string }) {
  const list = useConnectors(appId, roomId);
  const add = useAddConnector(appId, roomId);
  const remove = useRemoveConnector(appId, roomId);
  const [d, setD] = useState<ConnectorDraft>(EMPTY_DRAFT);
  const [problem, setProblem] = useState<string | null>(null);
  const set = (patch: Partial<ConnectorDraft>) => setD((x) => ({ ...x, ...patch }));
  const yt = d.kind === 'youtube';
  return (
    <section className="panel" aria-labelledby="conn-h">
      <h2 id="conn-h">Chat connectors</h2>
      <p className="small muted">
        Messages from a Twitch channel, an IRC channel or a YouTube live chat appear in this room (marked with their
        source); with relay on, messages written here go out too. Tokens are stored encrypted and never shown again.
      </p>
      <FormError error={list.error ?? remove.error} />
      {list.data && list.data.data.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Chat connectors">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Channel</th>
                <th>Status</th>
                <th>Relay</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((c) => (
                <ConnectorRow key={c.id} c={c} onRemove={() => remove.mutate(c.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
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
    </section>
  );
}
