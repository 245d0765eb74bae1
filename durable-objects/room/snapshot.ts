import { LIMITS, PROTOCOL_VERSION, type PublicSettings, type ServerFrameOf } from '@edgelive/shared';
import type { Identity, RoomConfig } from './contract';
import type { Presence } from './room-presence';
import type { MessageRow, RoomStore } from './room-store';

export const publicSettings = (c: RoomConfig): PublicSettings => ({
  slow_mode_seconds: c.settings.slow_mode_seconds,
  max_message_length: c.settings.max_message_length,
  anonymous_read: c.settings.anonymous_read,
});

/**
 * The first frame of every socket: who you are, the room, who is here, and the messages to show.
 * With `since` (a reconnect), exactly the messages after it, or the latest page and `gap` when
 * the resume point is unknown or too far back: the catch-up of a reconnecting client.
 */
export function snapshotFrame(
  store: RoomStore,
  presence: Presence,
  config: RoomConfig,
  me: Identity,
  since: string | null,
  now: number,
): ServerFrameOf<'snapshot'> {
  const viewer = me.anonymous ? null : me.id;
  let messages: MessageRow[] | null = null;
  let gap = false;
  if (since) {
    const from = store.byId(since);
    if (from) {
      const missed = store.listAfter(viewer, from.seq, LIMITS.maxResume + 1);
      if (missed.length <= LIMITS.maxResume) messages = missed;
    }
    gap = messages === null;
  }
  messages ??= store.listBefore(viewer, null, LIMITS.historyOnJoin).reverse();
  const mute = me.anonymous ? undefined : store.restrictionsOf(me.id, now).get('mute');
  return {
    type: 'snapshot',
    protocol: PROTOCOL_VERSION,
    room: { id: config.roomId, settings: publicSettings(config) },
    you: {
      id: me.id,
      name: me.name,
      avatar: me.avatar,
      role: me.role,
      anonymous: me.anonymous,
      restrictions: {
        muted: !!mute,
        muted_until: mute?.until ? new Date(mute.until).toISOString() : null,
        banned: false,
        read_only: me.anonymous,
      },
    },
    messages: store.render(messages),
    resumed: !!since && !gap,
    gap,
    present: presence.list(),
    counts: presence.counts(),
  };
}
