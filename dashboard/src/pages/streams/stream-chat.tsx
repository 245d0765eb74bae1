import { Link } from 'react-router';
import { LiveChat } from '../../features/rooms/live-chat';
import type { Stream } from '../../features/streams/streams.queries';

/** The stream's room next to its preview; the full moderator tools are one click away. */
export function StreamChat({ appId, stream }: { appId: string; stream: Stream }) {
  if (!stream.room_id) {
    return (
      <section aria-labelledby="chat-h">
        <h2 id="chat-h">Chat</h2>
        <p className="muted">This stream has no chat room.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="chat-h" className="stack">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2 id="chat-h" style={{ margin: 0 }}>
          Chat
        </h2>
        <Link to={`/apps/${appId}/rooms/${stream.room_id}`}>Moderation and live numbers</Link>
      </div>
      <LiveChat appId={appId} roomId={stream.room_id} />
    </section>
  );
}
