import { type ChatRole, CLOSE, type EventType, type ServerFrame } from '@edgelive/shared';
import { safeClose } from '../../core/do/socket-frames';
import type { ModerationInput, RestrictionKind } from './contract';
import type { RoomContext } from './room-context';
import { type ErrorFrame, errorFrame } from './send-policy';

const RANK: Record<ChatRole, number> = { user: 0, moderator: 1, admin: 2 };

/**
 * Moderators act down the ladder only: a moderator on users, an admin on users and moderators.
 * Nobody acts on their equal or above (a moderator cannot ban an admin, nor another moderator).
 */
export const outranks = (actor: ChatRole, target: ChatRole) => RANK[actor] > RANK[target];

const KINDS: Record<ModerationInput['action'], [RestrictionKind, boolean]> = {
  ban: ['ban', true],
  unban: ['ban', false],
  mute: ['mute', true],
  unmute: ['mute', false],
  shadow_ban: ['shadow', true],
  unshadow_ban: ['shadow', false],
};

const EVENTS: Partial<Record<ModerationInput['action'], EventType>> = {
  ban: 'chat.user.banned',
  unban: 'chat.user.unbanned',
  mute: 'chat.user.muted',
};

/** Restrictions on users, from the socket (moderators) and the API (the app itself). */
export class Moderation {
  constructor(private readonly room: RoomContext) {}

  /** A `moderate` frame: the ladder decides, then the same path as the API. */
  fromSocket(actor: { id: string; role: ChatRole }, m: ModerationInput): ErrorFrame | null {
    if (actor.role === 'user') return errorFrame('forbidden', 'Only moderators and admins can moderate.');
    if (m.userId === actor.id) return errorFrame('invalid', 'You cannot moderate yourself.');
    if (!outranks(actor.role, this.room.store.rankOf(m.userId)))
      return errorFrame('forbidden', 'You can only moderate users below your own role.');
    this.moderate(m);
    return null;
  }

  /** Applies one moderation action; returns the restriction's end, if it has one. */
  moderate(m: ModerationInput): { until: string | null } {
    const { store, out } = this.room;
    const now = Date.now();
    const until = m.durationSeconds ? now + m.durationSeconds * 1000 : null;
    const untilIso = until ? new Date(until).toISOString() : null;
    const [kind, on] = KINDS[m.action];
    if (on) store.restrict({ user_id: m.userId, kind, until, reason: m.reason ?? null, by: m.by, created_at: now });
    else store.lift(m.userId, kind);
    const frame: ServerFrame = {
      type: 'moderation',
      action: m.action,
      user_id: m.userId,
      until: on ? untilIso : null,
      message_id: null,
    };
    if (kind === 'shadow') {
      // Telling the room would defeat a shadow ban: only the moderators hear of it.
      out.broadcastTo('r:moderator', frame);
      out.broadcastTo('r:admin', frame);
    } else {
      out.broadcast(frame);
    }
    if (m.action === 'ban') this.kick(m.userId, until);
    const event = EVENTS[m.action];
    const roomId = this.room.config()?.roomId;
    if (event && roomId) {
      // The catalog's object for user moderation is the room; `data.user_id` names the user.
      this.room.emit(event, 'room', roomId, {
        room_id: roomId,
        user_id: m.userId,
        until: untilIso,
        reason: m.reason ?? null,
        by: m.by,
        scope: 'room',
      });
    }
    return { until: untilIso };
  }

  /** Removes a banned user's sockets with a close code their SDK treats as final. */
  kick(userId: string, until: number | null) {
    const retry = until ? Math.ceil((until - Date.now()) / 1000) : undefined;
    // Wherever they are: the room's shards close the user's sockets there too.
    this.room.out.kickRemote(
      userId,
      errorFrame('banned', 'You have been banned from this room.', { retry_after: retry }),
    );
    for (const ws of this.room.ctx.getWebSockets(`u:${userId}`)) {
      this.room.out.sendTo(ws, errorFrame('banned', 'You have been banned from this room.', { retry_after: retry }));
      safeClose(ws, CLOSE.banned, 'banned');
      this.room.leave(ws);
    }
  }
}
