import type { Member, Message, RoomState } from '@edgelive/client';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/errors';
import { ConfirmButton } from '../../ui/confirm-button';
import { canModerate, connectionLabel, outranks, postBlocker, SLOW_MODE_CHOICES } from './chat-status';

/** What a moderator can do to a message or its author; absent for members who cannot moderate. */
export interface ChatModeration {
  onDelete: (m: Message) => void;
  onTimeout: (user: Member) => void;
  onBan: (user: Member) => void;
  onSlowMode: (seconds: number | null) => void;
  /** The last moderation outcome or refusal, shown above the log. */
  notice: { ok: boolean; text: string } | null;
}

export interface ChatViewProps {
  state: Pick<RoomState, 'status' | 'closed' | 'messages' | 'you' | 'counts' | 'settings'>;
  onSend: (text: string) => Promise<unknown>;
  moderation?: ChatModeration;
}

const nameOf = (m: Message) => (m.user ? (m.user.name ?? m.user.id) : 'system');

function MessageRow({ m, mod, you }: { m: Message; mod: ChatModeration | null; you: RoomState['you'] }) {
  const who = nameOf(m);
  const user = m.user;
  return (
    <li className="chat-msg" data-testid="chat-message">
      <span className="who">{who}</span>
      {user && user.role !== 'user' && <span className="badge">{user.role}</span>}
      <span>{m.text}</span>
      <time className="small muted" dateTime={m.created_at}>
        {new Date(m.created_at).toLocaleTimeString()}
      </time>
      {mod && (
        <span className="actions">
          <button type="button" onClick={() => mod.onDelete(m)} aria-label={`Delete message from ${who}`}>
            Delete
          </button>
          {user && outranks(you, user) && (
            <>
              <button type="button" onClick={() => mod.onTimeout(user)} aria-label={`Time out ${who} for 5 minutes`}>
                Timeout
              </button>
              <ConfirmButton
                title="Ban user"
                confirmLabel="Ban"
                message={
                  <>
                    Ban <strong>{who}</strong> (<code>{user.id}</code>) from this room? Their connections close and they
                    cannot rejoin until unbanned.
                  </>
                }
                onConfirm={() => mod.onBan(user)}
              >
                Ban
              </ConfirmButton>
            </>
          )}
        </span>
      )}
    </li>
  );
}

function SendForm({
  blocker,
  maxLength,
  onSend,
}: {
  blocker: string | null;
  maxLength: number;
  onSend: ChatViewProps['onSend'];
}) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t || blocker) return;
    setText('');
    setError(null);
    // The client resends until acknowledged; only a refusal (slow mode, blocklist, mute) lands here.
    onSend(t).catch((err: unknown) => {
      setError(errorMessage(err));
      setText((now) => now || t);
    });
  };
  return (
    <form className="chat-form stack" style={{ gap: 4 }} onSubmit={submit}>
      {(error ?? blocker) && (
        <p
          className={error ? 'small field-error' : 'small muted'}
          role={error ? 'alert' : undefined}
          style={{ margin: 0 }}
        >
          {error ?? blocker}
        </p>
      )}
      <div className="row" style={{ gap: 6 }}>
        <label className="visually-hidden" htmlFor="chat-input">
          Message
        </label>
        <input
          id="chat-input"
          value={text}
          maxLength={maxLength}
          disabled={!!blocker}
          placeholder={blocker ? '' : 'Say something…'}
          onChange={(e) => setText(e.target.value)}
          style={{ flex: 1 }}
        />
        <button type="submit" disabled={!!blocker || !text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}

/** The live chat of a room as the console shows it: messages, a send box, and moderator tools. */
export function ChatView({ state, onSend, moderation }: ChatViewProps) {
  const log = useRef<HTMLUListElement>(null);
  const count = state.messages.length;
  // Follow the conversation: a new message scrolls the log to the bottom.
  useEffect(() => {
    if (count && log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [count]);
  // A closed socket (banned, room gone) keeps its messages on screen but no longer acts on them.
  const mod = moderation && state.status === 'open' && canModerate(state.you) ? moderation : null;
  const slow = state.settings?.slow_mode_seconds ?? null;
  return (
    <section className="chat" aria-label="Live chat">
      <div className="chat-status">
        <span role="status" data-status={state.status}>
          {connectionLabel(state)}
        </span>
        <span>
          {state.counts.viewers} watching{state.counts.viewers_from === 'beacons' ? ' (video players)' : ''}
          {state.you && ` · you are ${state.you.anonymous ? 'read-only' : state.you.role}`}
        </span>
      </div>
      {mod && (
        <div className="chat-status">
          <label className="row" style={{ gap: 6 }}>
            Slow mode
            <select value={slow ?? ''} onChange={(e) => mod.onSlowMode(e.target.value ? Number(e.target.value) : null)}>
              {SLOW_MODE_CHOICES.map((s) => (
                <option key={s ?? 'off'} value={s ?? ''}>
                  {s ? `${s} s` : 'Off'}
                </option>
              ))}
            </select>
          </label>
          {mod.notice && (
            <span role={mod.notice.ok ? 'status' : 'alert'} className={mod.notice.ok ? '' : 'field-error'}>
              {mod.notice.text}
            </span>
          )}
        </div>
      )}
      {count === 0 ? (
        <p className="muted" style={{ padding: 10, flex: 1 }}>
          {state.status === 'open' ? 'No messages yet.' : ''}
        </p>
      ) : (
        <ul className="chat-log" ref={log} aria-live="polite">
          {state.messages.map((m) => (
            <MessageRow key={m.id} m={m} mod={mod} you={state.you} />
          ))}
        </ul>
      )}
      <SendForm
        blocker={postBlocker(state.you, state)}
        maxLength={state.settings?.max_message_length ?? 500}
        onSend={onSend}
      />
    </section>
  );
}
