import {
  type ChatRole,
  type Message,
  type ModerationAction,
  RoomSettings,
  type RoomSettings as RoomSettingsType,
} from '@edgelive/shared';
import type { rooms } from '../../core/db/schema/index';
import type { RefusalTable, RpcResult } from '../../core/rpc';

/**
 * What the Worker and the room object agree on: the headers of the socket hand-over, the RPC
 * inputs and outputs, and the refusals. Routes and services import this module only; the object's
 * files are its own.
 */

// ---- the socket hand-over (`stub.fetch` with these headers, built fresh by the Worker) ----

/** The verified caller, JSON `Identity`. */
export const IDENTITY_HEADER = 'x-edgelive-identity';
/** The room's id: the object never reads it from the URL, whose shape differs per route. */
export const ROOM_ID_HEADER = 'x-edgelive-room-id';
export const CONFIG_VERSION_HEADER = 'x-edgelive-config-version';
/** Epoch ms until which the user is banned app-wide, or `forever`; absent when not banned. */
export const APP_BAN_HEADER = 'x-edgelive-app-ban';
/** The chat token's `exp` in epoch seconds: the socket is closed then (`CLOSE.tokenExpired`). */
export const TOKEN_EXPIRES_HEADER = 'x-edgelive-token-expires';
/** The caller's address (`cf-connecting-ip`): sockets without a user are capped and limited by it. */
export const ADDRESS_HEADER = 'x-edgelive-address';

/** Who is on a socket; verified by the Worker and passed in `IDENTITY_HEADER`. */
export interface Identity {
  id: string;
  name: string | null;
  avatar: string | null;
  role: ChatRole;
  anonymous: boolean;
}

/**
 * Token subjects the customer may not use: the Worker gives these prefixes to console members and
 * anonymous viewers, so a token claiming one would pass for (or be banned as) someone else.
 */
export const ANONYMOUS_ID_PREFIX = 'anon_';
export const RESERVED_USER_PREFIXES = ['console:', ANONYMOUS_ID_PREFIX] as const;
export const isReservedUserId = (id: string) => RESERVED_USER_PREFIXES.some((p) => id.startsWith(p));

/** Why the object answers a hand-over with HTTP instead of a socket. */
export type SocketRefusal = 'unknown_room' | 'too_many_connections';
export const SOCKET_REFUSALS: RefusalTable<SocketRefusal> = {
  unknown_room: { status: 404, message: 'No such room.' },
  too_many_connections: { status: 429, message: 'Too many open connections to this room; close one first.' },
};

// ---- configuration ----

/** What the room object needs to know about its room; the Worker hands it over on every change. */
export interface RoomConfig {
  roomId: string;
  appId: string;
  kind: 'app' | 'stream' | 'direct';
  streamId: string | null;
  members: string[] | null;
  settings: RoomSettingsType;
  /** The D1 row's updated_at: an object holding an older version reloads before it accepts a socket. */
  version: number;
}

export const roomConfigOf = (r: typeof rooms.$inferSelect): RoomConfig => ({
  roomId: r.id,
  appId: r.appId,
  kind: r.kind,
  streamId: r.streamId,
  members: r.members ?? null,
  settings: RoomSettings.parse(r.settings),
  version: r.updatedAt,
});

/** Checks a blocklist before it is saved, so the object never compiles a pattern it refuses. */
export { blocklistProblems } from './blocklist';

// ---- RPC ----

export type RestrictionKind = 'ban' | 'mute' | 'shadow';

export interface ModerationInput {
  action: Exclude<ModerationAction, 'message_deleted'>;
  userId: string;
  durationSeconds?: number;
  reason?: string;
  by: string;
}

export interface HistoryQuery {
  limit: number;
  beforeSeq?: number;
  sinceId?: string;
}

export interface RestrictionRow {
  user_id: string;
  kind: RestrictionKind;
  until: number | null;
  reason: string | null;
  by: string | null;
  created_at: number;
}

export interface FlagRow {
  id: string;
  message_id: string;
  reporter_id: string | null;
  reason: string;
  status: 'open' | 'resolved';
  resolution: string | null;
  created_at: number;
  resolved_at: number | null;
}

export type MessagePage = { messages: Message[]; has_more: boolean };
export type FlagPage = { flags: (FlagRow & { message: Message | null })[]; has_more: boolean };

export type MessageRefusal = 'unknown_message' | 'not_found';
export const MESSAGE_REFUSALS: RefusalTable<MessageRefusal> = {
  unknown_message: { status: 404, message: '`since` names no message of this room (it may have been pruned).' },
  not_found: { status: 404, message: 'No such message.' },
};
export const FLAG_REFUSALS: RefusalTable<'not_found'> = { not_found: { status: 404, message: 'No such flag.' } };

export type ListMessagesResult = RpcResult<MessagePage, 'unknown_message'>;
export type DeleteMessageResult = RpcResult<{ message_id: string }, 'not_found'>;
export type ResolveFlagResult = RpcResult<{ flag: FlagRow }, 'not_found'>;

/** `chatActivity` (issue 16): user messages and distinct chatters per bucket of `bucket_ms`, in [from, to). */
export interface ChatActivityQuery {
  from: number;
  to: number;
  bucket_ms: number;
}
export interface ChatActivityBucket {
  bucket: number;
  messages: number;
  chatters: number;
}

// ---- chat connectors (external chats in the room: chat-connectors.ts) ----

export const CONNECTOR_KINDS = ['twitch', 'youtube'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

/**
 * What the room keeps per connector; the token is sealed (core/secret-box.ts, `chat_connector_token`).
 * Twitch: an IRC server, channel and nick. YouTube: the Data API's root (host, port, tls are its),
 * the live chat id as `channel` (empty until found from `video_id`), and which credential `auth` is.
 */
export interface ConnectorConfig {
  id: string;
  room_id: string;
  kind: ConnectorKind;
  channel: string;
  host: string;
  port: number;
  tls: boolean;
  /** The IRC login (Twitch); null for YouTube. */
  nick: string | null;
  token_sealed: string | null;
  /** The platform's HTTP API (YouTube: the Data API; Twitch: Helix, for deletions); absent means the platform's own. */
  api_root?: string | null;
  video_id?: string | null;
  /** YouTube: an OAuth access token reads and writes, an API key only reads. Twitch: `oauth` when a token is set. */
  auth?: 'oauth' | 'api_key' | null;
  /** YouTube: `{refresh_token, client_id, client_secret}` sealed, for Google's client to refresh the access token. */
  refresh_sealed?: string | null;
  /** YouTube: where that refresh goes (Google's token endpoint, or a stand-in). */
  token_url?: string | null;
  /** Room messages are sent to the external chat too. */
  relay: boolean;
  created_at: string;
}

export type ConnectorView = Omit<
  ConnectorConfig,
  'token_sealed' | 'api_root' | 'video_id' | 'auth' | 'refresh_sealed' | 'token_url'
> & {
  api_root: string | null;
  video_id: string | null;
  auth: 'oauth' | 'api_key' | null;
  token_set: boolean;
  refresh_token_set: boolean;
  token_url: string | null;
  status: 'connecting' | 'connected' | 'errored';
  last_error: string | null;
};

// ---- edge shards (durable-objects/room-shard: a very large room's sockets past its own object) ----

/**
 * The room's answer to a hand-over it sends elsewhere: HTTP 307 with the shard's number in this
 * header. The Worker then hands the same request (plus this header) to that shard.
 */
export const SHARD_HEADER = 'x-edgelive-shard';
/** The shard object's name: one per room and number, in the ROOM_SHARD namespace. */
export const shardName = (roomId: string, k: number) => `${roomId}#${k}`;

/** A shard asks its room to take a socket on (`shardJoin`). */
export interface ShardJoinInput {
  k: number;
  /** The socket's id on its shard, unique in the room. */
  id: string;
  identity: Identity;
  roomId: string;
  configVersion: number;
  appBan: string | null;
  address: string | null;
  /** Epoch ms when the chat token expires. */
  expires: number | null;
  since: string | null;
}

/**
 * `refused`: answer HTTP. `banned`: accept, send this frame, close (`CLOSE.banned`). `joined`: the
 * socket's first frames (snapshot, stream status) and the last delivery (of the primary's current
 * `epoch`) the snapshot covers: the shard sends the socket the deliveries after it only.
 */
export type ShardJoinResult =
  | { refused: SocketRefusal }
  | { banned: string }
  | { joined: { frames: string[]; epoch: string; upTo: number } };
