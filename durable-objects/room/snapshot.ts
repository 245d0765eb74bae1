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
 * the resume point is unknown or too far back: the catch-up of a reconnecting client. A resume
 * also carries what changed about the messages the client already has (edits, reactions: the
 * message as it is now; deletions and messages hidden since: their ids), from the change log.
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
  let changes: { changed: MessageRow[]; deleted: string[] } | null = null;
  if (since) {
    const from = store.byId(since);
    if (from) {
      const missed = store.listAfter(viewer, from.seq, LIMITS.maxResume + 1);
      changes = changesSince(store, viewer, from.seq);
      if (missed.length <= LIMITS.maxResume && changes) messages = missed;
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
    ...(since && !gap && changes ? { changed: store.render(changes.changed), deleted: changes.deleted } : {}),
    resumed: !!since && !gap,
    gap,
    present: presence.list(),
    counts: presence.counts(),
  };
}

/**
 * The messages up to `seq` that changed after it (so the client's copy is stale), split into what
 * to replace and what to drop; null when there are too many to replay (the snapshot says `gap`).
 */
function changesSince(store: RoomStore, viewer: string | null, seq: number) {
  const rows = store.changedSince(seq, LIMITS.maxResume + 1);
  if (rows.length > LIMITS.maxResume) return null;
  const changed: MessageRow[] = [];
  const deleted: string[] = [];
  for (const r of rows) {
    if (r.deleted_at || (r.shadow && r.user_id !== viewer)) deleted.push(r.id);
    else changed.push(r);
  }
  return { changed, deleted };
}
