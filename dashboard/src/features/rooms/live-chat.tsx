import type { RoomClientOptions } from '@edgelive/client';
import { useRoom as useRoomSocket } from '@edgelive/client/react';
import { useState } from 'react';
import { API_ORIGIN } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { type ChatModeration, ChatView } from './chat-view';
import { useDeleteMessage, useRestrict, useUpdateRoomSettings } from './rooms.queries';

/** A timeout is a mute with an end; five minutes is what moderators reach for first. */
export const TIMEOUT_SECONDS = 300;

/** The console's own room socket: the session cookie is the credential (no chat token, no signing key). */
export const consoleSocketPath = (appId: string, roomId: string) =>
  `/v1/apps/${encodeURIComponent(appId)}/rooms/${encodeURIComponent(roomId)}/ws`;

interface Props {
  appId: string;
  roomId: string;
  /** Replaces the WebSocket transport (component tests). */
  socket?: RoomClientOptions['socket'];
}

/**
 * A room's live chat over the console socket. Messages and sending go over the socket; moderation
 * goes through the REST routes so each action lands in the audit log under the member's name.
 */
export function LiveChat({ appId, roomId, socket }: Props) {
  const room = useRoomSocket({
    baseUrl: API_ORIGIN || window.location.origin,
    roomId,
    path: consoleSocketPath(appId, roomId),
    socket,
  });
  const del = useDeleteMessage(appId, roomId);
  const restrict = useRestrict(appId, roomId);
  const settings = useUpdateRoomSettings(appId, roomId);
  const [notice, setNotice] = useState<ChatModeration['notice']>(null);
  const report = (ok: string) => ({
    onSuccess: () => setNotice({ ok: true, text: ok }),
    onError: (e: unknown) => setNotice({ ok: false, text: errorMessage(e) }),
  });
  const moderation: ChatModeration = {
    notice,
    onDelete: (m) => del.mutate(m.id, report('Message deleted.')),
    onTimeout: (user) =>
      restrict.mutate(
        { kind: 'mutes', user_id: user.id, duration_seconds: TIMEOUT_SECONDS, reason: 'Timeout from the console' },
        report(`Timed out ${user.name ?? user.id} for 5 minutes.`),
      ),
    onBan: (user) =>
      restrict.mutate(
        { kind: 'bans', user_id: user.id, reason: 'Banned from the console' },
        report(`Banned ${user.name ?? user.id}.`),
      ),
    onSlowMode: (seconds) =>
      settings.mutate(
        { slow_mode_seconds: seconds },
        report(seconds ? `Slow mode: one message per ${seconds} s.` : 'Slow mode off.'),
      ),
  };
  return (
    <ChatView
      state={room}
      onSend={(text) => room.client?.send(text) ?? Promise.reject(new Error('Not connected.'))}
      moderation={moderation}
    />
  );
}
