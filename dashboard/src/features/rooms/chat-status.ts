import type { RoomState } from '@edgelive/client';
import { type ChatRole, CLOSE } from '@edgelive/shared';

/** What the panel says about its connection, in words a moderator reads at a glance. */
export function connectionLabel(state: Pick<RoomState, 'status' | 'closed'>): string {
  if (state.closed?.code === CLOSE.banned) return 'You are banned from this room';
  if (state.closed?.code === CLOSE.roomDeleted) return 'This room was deleted';
  switch (state.status) {
    case 'connecting':
      return 'Connecting…';
    case 'open':
      return 'Live';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'closed':
      return 'Disconnected';
  }
}

type You = RoomState['you'];

/** Moderators and admins get the delete, timeout and ban buttons (the API enforces it again). */
export const canModerate = (you: You) => !!you && !you.anonymous && (you.role === 'moderator' || you.role === 'admin');

const RANK: Record<ChatRole, number> = { user: 0, moderator: 1, admin: 2 };

/** Timeouts and bans go down the ladder only: moderators act on users, admins on both. */
export const outranks = (you: You, target: { role: ChatRole }) => !!you && RANK[you.role] > RANK[target.role];

/** Why this socket cannot post right now, or null when it can. */
export function postBlocker(you: You, state: Pick<RoomState, 'status' | 'closed'>): string | null {
  if (state.closed?.code === CLOSE.banned) return 'You are banned from this room.';
  if (state.closed?.code === CLOSE.roomDeleted) return 'This room was deleted.';
  if (!you || state.status !== 'open') return 'Not connected.';
  if (you.anonymous || you.restrictions.read_only) return 'Viewers can read the chat but not post.';
  if (you.restrictions.banned) return 'You are banned from this room.';
  if (you.restrictions.muted)
    return you.restrictions.muted_until
      ? `You are timed out until ${new Date(you.restrictions.muted_until).toLocaleTimeString()}.`
      : 'You are muted in this room.';
  return null;
}

/** Slow-mode choices offered to moderators; `null` is off. */
export const SLOW_MODE_CHOICES: readonly (number | null)[] = [null, 5, 10, 30, 60];
