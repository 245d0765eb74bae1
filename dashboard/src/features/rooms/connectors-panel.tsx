import { ConfirmButton } from '../../ui/confirm-button';
import { formatDate } from '../../ui/format';
import { FormError, QueryView } from '../../ui/states';
import { AddConnectorForm } from './add-connector-form';
import { type ChatConnector, useConnectors, useDeleteConnector } from './connectors.queries';

const BADGE: Record<ChatConnector['status'], string> = { connecting: 'warn', connected: 'ok', errored: 'bad' };

/** Where a connector reads from, as its owner would name it. */
function whereOf(c: ChatConnector): string {
  if (c.kind === 'twitch') return `${c.channel} on ${c.host}:${c.port}`;
  return c.channel ? `live chat ${c.channel}` : `video ${c.video_id ?? '?'} (chat not found yet)`;
}

/**
 * The room's external chats (Twitch, YouTube) and whether each is reading right now: connected,
 * or errored with the last error (a refused token, a server gone, a broadcast ended). The room
 * retries an errored one every 15 s, so the badge turns back by itself.
 */
export function ConnectorsPanel({ appId, roomId }: { appId: string; roomId: string }) {
  const connectors = useConnectors(appId, roomId);
  const remove = useDeleteConnector(appId, roomId);
  return (
    <section className="panel" aria-labelledby="connectors-h">
      <h2 id="connectors-h">External chats</h2>
      <FormError error={remove.error} />
      <QueryView query={connectors}>
        {(page) =>
          page.data.length === 0 ? (
            <p className="muted">
              No connectors yet: add one below (or with <code>POST /v1/rooms/{'{id}'}/connectors</code>) to bring a
              Twitch, IRC or YouTube chat into this room.
            </p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Chat</th>
                  <th>Status</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((c) => (
                  <tr key={c.id} data-connector={c.id}>
                    <td>
                      <strong>{c.kind === 'twitch' ? 'Twitch' : 'YouTube'}</strong>{' '}
                      <span className="small muted">{whereOf(c)}</span>
                      <div className="small muted">
                        {c.relay ? 'relays room messages out' : 'reads only'} · added {formatDate(c.created_at)}
                      </div>
                    </td>
                    <td>
                      <span className={`badge ${BADGE[c.status]}`}>{c.status}</span>
                      {c.last_error && (
                        <div className="small muted" role="note">
                          last error: {c.last_error}
                        </div>
                      )}
                    </td>
                    <td>
                      <ConfirmButton
                        title="Remove connector"
                        confirmLabel="Remove"
                        message="The room stops reading this chat; its messages already here stay."
                        onConfirm={() => remove.mutate(c.id)}
                      >
                        Remove
                      </ConfirmButton>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
      <h3>Add a chat</h3>
      <AddConnectorForm appId={appId} roomId={roomId} />
    </section>
  );
}
