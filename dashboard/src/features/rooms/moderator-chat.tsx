import { ConfirmButton } from '../../ui/confirm-button';
import { FormError, QueryView } from '../../ui/states';
import { type ChatMessage, useDeleteMessage, useRestrict, useRoomMessages } from './rooms.queries';

/** A timeout is a mute with an end; five minutes is what moderators reach for first. */
export const TIMEOUT_SECONDS = 300;

function MessageRow({
  m,
  onDelete,
  onTimeout,
  onBan,
}: {
  m: ChatMessage;
  onDelete: () => void;
  onTimeout: () => void;
  onBan: () => void;
}) {
  const who = m.user ? (m.user.name ?? m.user.id) : 'system';
  return (
    <li className="chat-msg" data-testid="chat-message">
      <span className="who">{who}</span>
      {m.user && m.user.role !== 'user' && <span className="badge">{m.user.role}</span>}
      <span>{m.text}</span>
      <time className="small muted" dateTime={m.created_at}>
        {new Date(m.created_at).toLocaleTimeString()}
      </time>
      <span className="actions">
        <button type="button" onClick={onDelete} aria-label={`Delete message from ${who}`}>
          Delete
        </button>
        {m.user && (
          <>
            <button type="button" onClick={onTimeout} aria-label={`Time out ${who} for 5 minutes`}>
              Timeout
            </button>
            <ConfirmButton
              title="Ban user"
              confirmLabel="Ban"
              message={
                <>
                  Ban <strong>{who}</strong> (<code>{m.user.id}</code>) from this room? Their connections close and they
                  cannot rejoin until unbanned.
                </>
              }
              onConfirm={onBan}
            >
              Ban
            </ConfirmButton>
          </>
        )}
      </span>
    </li>
  );
}

/** The room's recent messages with moderator actions, read through the API (no chat token needed). */
export function ModeratorChat({ appId, roomId }: { appId: string; roomId: string }) {
  const messages = useRoomMessages(appId, roomId);
  const del = useDeleteMessage(appId, roomId);
  const restrict = useRestrict(appId, roomId);
  return (
    <section className="chat" aria-label="Moderator view of the chat">
      <div className="chat-status">
        <span>Moderator view</span>
        <span>refreshes every 2 s</span>
      </div>
      <FormError error={del.error ?? restrict.error} />
      {restrict.isSuccess && (
        <div role="status" className="small" style={{ padding: '4px 10px' }}>
          {restrict.variables.kind === 'bans' ? 'Banned' : 'Timed out'} {restrict.variables.user_id}.
        </div>
      )}
      <QueryView query={messages}>
        {(page) =>
          page.data.length === 0 ? (
            <p className="muted" style={{ padding: 10 }}>
              No messages yet.
            </p>
          ) : (
            <ul className="chat-log" aria-live="polite">
              {[...page.data].reverse().map((m) => (
                <MessageRow
                  key={m.id}
                  m={m}
                  onDelete={() => del.mutate(m.id)}
                  onTimeout={() =>
                    m.user &&
                    restrict.mutate({
                      kind: 'mutes',
                      user_id: m.user.id,
                      duration_seconds: TIMEOUT_SECONDS,
                      reason: 'Timeout from the console',
                    })
                  }
                  onBan={() =>
                    m.user && restrict.mutate({ kind: 'bans', user_id: m.user.id, reason: 'Banned from the console' })
                  }
                />
              ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}
