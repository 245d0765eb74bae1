import { useEffect, useRef, useState } from 'react';
import { Empty, QueryView } from '../../ui/states';
import { useAssetChat } from './asset-chat.queries';

/** 75.2 -> "1:15": the player's own clock, so a message's time reads like the seek bar. */
export const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/**
 * The chat as it was during the recording, beside its player: every message at its player time,
 * those sent by the playhead shown, the rest dimmed; choosing one seeks the player there.
 */
export function ChatReplayPanel({
  appId,
  assetId,
  video,
}: {
  appId: string;
  assetId: string;
  video: HTMLVideoElement | null;
}) {
  const chat = useAssetChat(appId, assetId);
  const [now, setNow] = useState(0);
  const current = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (!video) return;
    const tick = () => setNow(video.currentTime);
    tick();
    video.addEventListener('timeupdate', tick);
    video.addEventListener('seeked', tick);
    return () => {
      video.removeEventListener('timeupdate', tick);
      video.removeEventListener('seeked', tick);
    };
  }, [video]);
  // Keep the newest message that has been "sent" in view, as a live chat would.
  const shown = chat.data?.messages.filter((m) => m.media_time_s <= now).length ?? 0;
  useEffect(() => {
    if (shown > 0) current.current?.scrollIntoView({ block: 'nearest' });
  }, [shown]);
  return (
    <section className="panel" aria-labelledby="chat-replay-h">
      <h2 id="chat-replay-h">Chat replay</h2>
      <QueryView query={chat}>
        {({ messages, truncated }) =>
          messages.length === 0 ? (
            <Empty title="No chat">
              <p className="muted">Nothing was said in the stream's room during this recording.</p>
            </Empty>
          ) : (
            <>
              <p className="small muted" role="status">
                {shown} of {messages.length}
                {truncated ? '+' : ''} messages sent by {clock(now)}
              </p>
              <ul className="chat-log replay" aria-label="Chat replay messages">
                {messages.map((m, i) => (
                  <li
                    key={m.id}
                    ref={i === shown - 1 ? current : undefined}
                    className={`chat-msg${m.media_time_s <= now ? '' : ' later'}`}
                    data-testid="replay-message"
                    aria-current={i === shown - 1 ? 'true' : undefined}
                  >
                    <button
                      type="button"
                      className="time"
                      disabled={!video}
                      aria-label={`Seek to ${clock(m.media_time_s)}`}
                      onClick={() => {
                        if (!video) return;
                        video.currentTime = m.media_time_s;
                        void video.play().catch(() => undefined);
                      }}
                    >
                      {clock(m.media_time_s)}
                    </button>
                    <span className="who">{m.name ?? 'someone'}</span>
                    <span>{m.text}</span>
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </QueryView>
    </section>
  );
}
