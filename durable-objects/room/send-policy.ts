import type { ChatRole, ErrorCode, RoomSettings, ServerFrameOf } from '@edgelive/shared';
import type { CompiledBlocklist } from './blocklist';
import type { RestrictionKind, RestrictionRow } from './contract';

/**
 * The checks a frame passes before the room acts on it, as pure functions: each returns the error
 * frame to answer with, or null. They read nothing and write nothing, so every rule is unit-tested
 * without a socket (send-policy.test.ts).
 */

export type ErrorFrame = ServerFrameOf<'error'>;
export type Restrictions = Map<RestrictionKind, RestrictionRow>;

export function errorFrame(
  code: ErrorCode,
  message: string,
  extra: { ref?: string | undefined; retry_after?: number | undefined } = {},
): ErrorFrame {
  const frame: ErrorFrame = { type: 'error', code, message };
  if (extra.ref !== undefined) frame.ref = extra.ref;
  if (extra.retry_after !== undefined) frame.retry_after = extra.retry_after;
  return frame;
}

/** A muted user (or one in a timeout) changes nothing anyone else sees: messages, edits, reactions. */
export function mutedError(r: Restrictions, now: number, ref?: string): ErrorFrame | null {
  const mute = r.get('mute');
  if (!mute) return null;
  return errorFrame('muted', 'You are muted in this room.', {
    ref,
    retry_after: mute.until ? Math.ceil((mute.until - now) / 1000) : undefined,
  });
}

const blocked = (ref: string) =>
  errorFrame('blocked_content', 'The message contains words this room does not allow.', { ref });

export interface SendCheck {
  text: string;
  clientId: string;
  role: ChatRole;
  settings: RoomSettings;
  restrictions: Restrictions;
  blocklist: CompiledBlocklist | null;
  /** When this user last sent a message here (slow mode), or null. */
  lastSentAt: number | null;
  now: number;
}

/** A new message: mute, length, emptiness, slow mode, blocklist (in that order, as the client sees them). */
export function checkSend(c: SendCheck): ErrorFrame | null {
  const ref = c.clientId;
  const muted = mutedError(c.restrictions, c.now, ref);
  if (muted) return muted;
  if (c.text.length > c.settings.max_message_length)
    return errorFrame('invalid', `Messages are limited to ${c.settings.max_message_length} characters here.`, { ref });
  if (!c.text.trim()) return errorFrame('invalid', 'The message is empty.', { ref });
  const slow = c.settings.slow_mode_seconds;
  if (slow && c.role === 'user' && c.lastSentAt !== null) {
    const wait = c.lastSentAt + slow * 1000 - c.now;
    if (wait > 0)
      return errorFrame('slow_mode', `Slow mode: one message every ${slow} s.`, {
        ref,
        retry_after: Math.ceil(wait / 100) / 10,
      });
  }
  if (c.role === 'user' && c.blocklist?.action === 'block' && c.blocklist.matches(c.text)) return blocked(ref);
  return null;
}

export interface EditCheck {
  messageId: string;
  authorId: string | null;
  userId: string;
  text: string;
  role: ChatRole;
  settings: RoomSettings;
  restrictions: Restrictions;
  blocklist: CompiledBlocklist | null;
  now: number;
}

export function checkEdit(c: EditCheck): ErrorFrame | null {
  const ref = c.messageId;
  if (c.authorId !== c.userId) return errorFrame('forbidden', 'You can only edit your own messages.', { ref });
  const muted = mutedError(c.restrictions, c.now, ref);
  if (muted) return muted;
  if (c.text.length > c.settings.max_message_length) return errorFrame('invalid', 'The message is too long.', { ref });
  if (c.role === 'user' && c.blocklist?.action === 'block' && c.blocklist.matches(c.text)) return blocked(ref);
  return null;
}

export const MAX_REACTIONS_PER_USER = 10;

export function checkReact(c: {
  messageId: string;
  kind: 'user' | 'system';
  on: boolean;
  /** How many emoji this user already has on the message. */
  mine: number;
  restrictions: Restrictions;
  now: number;
}): ErrorFrame | null {
  const ref = c.messageId;
  if (c.kind === 'system') return errorFrame('invalid', 'System messages take no reactions.', { ref });
  const muted = mutedError(c.restrictions, c.now, ref);
  if (muted) return muted;
  if (c.on && c.mine >= MAX_REACTIONS_PER_USER)
    return errorFrame('invalid', `At most ${MAX_REACTIONS_PER_USER} reactions per message.`, { ref });
  return null;
}

export const TYPING_THROTTLE_MS = 2000;

/** The last typing state the room was told about a user. */
export interface TypingState {
  on: boolean;
  /** When the last `on` went out. */
  onAt: number;
}

/**
 * Whether a typing frame goes out, and the state after it. Per user, both states: an `on` at most
 * every 2 s, and an `off` only after an `on` it ends, so alternating on/off cannot defeat the
 * throttle (30 alternating frames in a second reach the room as at most one `on` and one `off`).
 */
export function typingGate(
  last: TypingState | undefined,
  on: boolean,
  now: number,
): { pass: boolean; next: TypingState | undefined } {
  if (on) {
    if (last && now - last.onAt < TYPING_THROTTLE_MS) return { pass: false, next: last };
    return { pass: true, next: { on: true, onAt: now } };
  }
  if (!last?.on) return { pass: false, next: last };
  return { pass: true, next: { on: false, onAt: last.onAt } };
}
