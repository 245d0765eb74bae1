import { useEffect, useState, useSyncExternalStore } from 'react';
import { RoomClient, type RoomClientOptions, type RoomState } from './room-client';

const EMPTY: RoomState = {
  status: 'connecting',
  messages: [],
  present: [],
  counts: { viewers: 0, viewers_from: 'sockets', connections: 0, video_viewers: null, members: 0 },
  you: null,
  settings: null,
  typing: [],
  closed: null,
};

/**
 * A room for a React component: connects on mount, closes on unmount, re-renders on every change.
 * Reconnecting and resuming are the client's job; the component only sees `state.status` move.
 */
export function useRoom(opts: RoomClientOptions): RoomState & { client: RoomClient | null } {
  const [client, setClient] = useState<RoomClient | null>(null);
  const { baseUrl, roomId, path } = opts;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new token function on every render must not reconnect; only the room's address does.
  useEffect(() => {
    const c = new RoomClient(opts).connect();
    setClient(c);
    return () => c.close();
  }, [baseUrl, roomId, path]);
  const state = useSyncExternalStore(
    (cb) => (client ? client.on('state', cb) : () => {}),
    () => client?.state ?? EMPTY,
    () => EMPTY,
  );
  return { ...state, client };
}
