import { z } from 'zod';

/**
 * The room wire protocol: every frame that crosses a room socket, in both directions, as one
 * discriminated union on `type`. The Durable Object validates client frames with these schemas at
 * the boundary; the client SDK and the dashboard import the same types, so a change here is a
 * change everywhere (docs/rooms-protocol.md describes it for people).
 */

export const PROTOCOL_VERSION = 1;

/** Hard ceilings; a room's own settings may only lower them. */
export const LIMITS = {
  maxMessageLength: 4000,
  maxFrameBytes: 16 * 1024,
  historyOnJoin: 50,
  maxResume: 500,
  maxPage: 100,
  maxEmojiLength: 32,
  clientIdLength: 64,
  /** Open sockets per signed-in user in one room; one more is refused with 429. */
  maxConnectionsPerUser: 10,
  /** Open anonymous sockets per address in one room. */
  maxAnonymousPerAddress: 100,
} as const;

/** WebSocket close codes the server uses; 4000-4999 is the application range. */
export const CLOSE = {
  /**
   * The chat token expired: reconnect with a new one (the SDK asks its `token` function again).
   * A client holding only the expired token must not reconnect with it.
   */
  tokenExpired: 4001,
  /** The user was banned (or already is); do not reconnect. */
  banned: 4003,
  /** The room was deleted; do not reconnect. */
  roomDeleted: 4004,
  /** The connection broke the protocol badly enough (e.g. flooding) to be dropped; reconnect later. */
  policy: 4008,
  /** The server asks the client to connect again (another shard of a big room takes it); resume with `since`. */
  reconnect: 1012,
} as const;

/** Close codes after which a client must not reconnect on its own. */
export const TERMINAL_CLOSE_CODES: readonly number[] = [CLOSE.banned, CLOSE.roomDeleted];

/** Customer user ids (token `sub`, moderation targets): short, printable, no spaces. */
export const UserId = z
  .string()
  .regex(/^[A-Za-z0-9_.:@|-]{1,64}$/, 'user ids are 1-64 characters of A-Z a-z 0-9 _ . : @ | -');

export const ChatRole = z.enum(['user', 'moderator', 'admin']);
export type ChatRole = z.infer<typeof ChatRole>;

export const Member = z.object({
  id: z.string(),
  name: z.string().nullable(),
  avatar: z.string().nullable(),
  role: ChatRole,
});
export type Member = z.infer<typeof Member>;

export const Message = z.object({
  id: z.string(),
  /** Order within the room; resume and paging follow it. */
  seq: z.number().int(),
  kind: z.enum(['user', 'system']),
  user: Member.nullable(),
  text: z.string(),
  reply_to: z.string().nullable(),
  created_at: z.string(),
  edited_at: z.string().nullable(),
  reactions: z.record(z.string(), z.number().int()),
  /** Only ever true on the sender's own view of a shadow-banned user's message. */
  shadowed: z.boolean().optional(),
  /** Set on messages from an external chat (a connector): where it was written; `user.name` is the author there. */
  source: z.enum(['twitch', 'youtube']).optional(),
});
export type Message = z.infer<typeof Message>;

export const Restrictions = z.object({
  muted_until: z.string().nullable(),
  muted: z.boolean(),
  banned: z.boolean(),
  read_only: z.boolean(),
});
export type Restrictions = z.infer<typeof Restrictions>;

export const Counts = z.object({
  /**
   * The audience: the larger of the open connections and the stream's video viewers (players that
   * sent a beacon in the last 30 s), so people who watch without the chat count too.
   */
  viewers: z.number().int(),
  /** Which of the two `viewers` is: chat sockets, or the video players' beacons. */
  viewers_from: z.enum(['sockets', 'beacons']),
  /** Open connections, anonymous ones included. */
  connections: z.number().int(),
  /** Video viewers of the room's stream from beacons; null for a room without a stream or before any. */
  video_viewers: z.number().int().nullable(),
  /** Distinct signed-in users present. */
  members: z.number().int(),
});
export type Counts = z.infer<typeof Counts>;

export const PublicSettings = z.object({
  slow_mode_seconds: z.number().int().nullable(),
  max_message_length: z.number().int(),
  anonymous_read: z.boolean(),
});
export type PublicSettings = z.infer<typeof PublicSettings>;

// ---- client -> server ----------------------------------------------------------------------

const text = z.string().min(1).max(LIMITS.maxMessageLength);
const id = z.string().min(1).max(64);
/**
 * One emoji: a pictograph (with its variation selector, skin tone, tag sequence or ZWJ joins), a
 * flag (two regional indicators) or a keycap. Anything else (words, markup, invisible characters)
 * is not a reaction.
 */
const EMOJI_PART = String.raw`\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?`;
export const EMOJI_RE = new RegExp(
  String.raw`^(?:\p{Regional_Indicator}{2}|[#*0-9]\uFE0F?\u20E3|${EMOJI_PART}(?:[\u{E0020}-\u{E007E}]+\u{E007F})?(?:\u200D${EMOJI_PART})*)$`,
  'u',
);
const emoji = z.string().min(1).max(LIMITS.maxEmojiLength).regex(EMOJI_RE, 'not a single emoji');

export const ClientFrame = z.discriminatedUnion('type', [
  /** Keep-alive; the exact text `{"type":"ping"}` is answered without waking the room. */
  z.object({ type: z.literal('ping') }).strict(),
  z
    .object({
      type: z.literal('send'),
      client_id: z.string().min(1).max(LIMITS.clientIdLength),
      text,
      reply_to: id.optional(),
    })
    .strict(),
  z.object({ type: z.literal('edit'), message_id: id, text }).strict(),
  z.object({ type: z.literal('delete'), message_id: id }).strict(),
  z.object({ type: z.literal('react'), message_id: id, emoji, on: z.boolean().default(true) }).strict(),
  /** A tap on a live reaction button: aggregated by the server, never echoed one by one. */
  z.object({ type: z.literal('burst'), emoji, count: z.number().int().min(1).max(50).default(1) }).strict(),
  z.object({ type: z.literal('typing'), on: z.boolean().default(true) }).strict(),
  /** Older history than the snapshot held: newest first before `before`. */
  z
    .object({
      type: z.literal('history'),
      before: id.optional(),
      limit: z.number().int().min(1).max(LIMITS.maxPage).default(50),
    })
    .strict(),
  z.object({ type: z.literal('flag'), message_id: id, reason: z.string().max(500).optional() }).strict(),
  /** Moderators and admins only. */
  z
    .object({
      type: z.literal('moderate'),
      action: z.enum(['ban', 'unban', 'mute', 'unmute', 'shadow_ban', 'unshadow_ban']),
      user_id: id,
      duration_seconds: z
        .number()
        .int()
        .min(1)
        .max(365 * 86400)
        .optional(),
      reason: z.string().max(500).optional(),
    })
    .strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameInput = z.input<typeof ClientFrame>;

// ---- server -> client ----------------------------------------------------------------------

export const ErrorCode = z.enum([
  'rate_limited',
  'muted',
  'banned',
  'slow_mode',
  'blocked_content',
  'invalid',
  'forbidden',
  'not_found',
  'read_only',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ModerationAction = z.enum([
  'ban',
  'unban',
  'mute',
  'unmute',
  'shadow_ban',
  'unshadow_ban',
  'message_deleted',
]);
export type ModerationAction = z.infer<typeof ModerationAction>;

/**
 * The stream a room belongs to, as its page needs it to switch between live and offline without
 * polling: pushed on every transition (`stream_status`) and sent after the snapshot on join.
 */
export const StreamStatus = z.object({
  status: z.enum(['live', 'reconnecting', 'idle']),
  session_id: z.string().nullable(),
  /** The program input where several cameras exist (issue 14); null otherwise. */
  input: z.string().nullable(),
  at: z.string(),
});
export type StreamStatus = z.infer<typeof StreamStatus>;

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pong') }),
  z.object({
    type: z.literal('snapshot'),
    protocol: z.number().int(),
    room: z.object({ id: z.string(), settings: PublicSettings }),
    you: Member.extend({ anonymous: z.boolean(), restrictions: Restrictions }),
    /** Oldest first. After a resume: exactly the messages after `since`. */
    messages: z.array(Message),
    /**
     * A resume only: messages you already had (at or before `since`) that were edited or had their
     * reactions changed while you were away, as they are now. Replace your copies.
     */
    changed: z.array(Message).optional(),
    /** A resume only: ids of messages you already had that were deleted (or hidden) while you were away. */
    deleted: z.array(z.string()).optional(),
    /** True when this was a resume and `messages` is exactly what was missed. */
    resumed: z.boolean(),
    /** True when the resume point is unknown (pruned) or too far back: page the rest with `history`. */
    gap: z.boolean(),
    present: z.array(Member),
    counts: Counts,
  }),
  z.object({ type: z.literal('message'), message: Message }),
  z.object({ type: z.literal('ack'), client_id: z.string(), message: Message, duplicate: z.boolean() }),
  z.object({ type: z.literal('message_updated'), message: Message }),
  z.object({ type: z.literal('message_deleted'), message_id: z.string() }),
  z.object({ type: z.literal('reactions'), message_id: z.string(), reactions: z.record(z.string(), z.number().int()) }),
  /** Live reaction taps summed over the last interval (about a second). */
  z.object({ type: z.literal('burst'), counts: z.record(z.string(), z.number().int()) }),
  z.object({ type: z.literal('typing'), user: Member, on: z.boolean() }),
  z.object({ type: z.literal('presence'), event: z.enum(['join', 'leave']), user: Member }),
  z.object({ type: z.literal('counts'), counts: Counts }),
  z.object({ type: z.literal('history'), messages: z.array(Message), has_more: z.boolean() }),
  z.object({
    type: z.literal('moderation'),
    action: ModerationAction,
    user_id: z.string().nullable(),
    until: z.string().nullable(),
    message_id: z.string().nullable(),
  }),
  z.object({ type: z.literal('room_updated'), settings: PublicSettings }),
  z.object({ type: z.literal('stream_status'), stream: StreamStatus }),
  /** A stream room only: a simulcast target of the stream changed status (`simulcast_target.*` events). */
  z.object({
    type: z.literal('simulcast_target'),
    target: z.object({
      id: z.string(),
      name: z.string().nullable(),
      status: z.enum(['idle', 'starting', 'broadcasting', 'errored']),
      last_error: z.string().nullable(),
      next_retry_at: z.string().nullable(),
    }),
  }),
  /** A stream room only: another input went on air (`stream.input_switched`), so a page can say "camera 2". */
  z.object({
    type: z.literal('program'),
    program: z.object({
      input_id: z.string(),
      name: z.string(),
      reason: z.enum(['api', 'failover', 'first_connected']),
      switched_at: z.string(),
    }),
  }),
  /**
   * Frames that piled up within one tick (about 25 ms) while the room was busy, oldest first, in one
   * WebSocket frame: room-wide frames and ones for you alone (an `ack`), in the order they were
   * produced. Each element is one of the other frames here (never a batch). Every socket gets these
   * unless it connected with `batch=0`. One send per socket per tick instead of one per frame is
   * what lets a busy room keep up.
   */
  z.object({ type: z.literal('batch'), frames: z.array(z.object({ type: z.string() }).passthrough()) }),
  z.object({
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string(),
    retry_after: z.number().optional(),
    /** The client_id or message_id of the frame that failed, when there was one. */
    ref: z.string().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;
export type ClientFrameOf<T extends ClientFrame['type']> = Extract<ClientFrameInput, { type: T }>;
