import type { ChatRole, RoomSettings } from '@edgelive/shared';

/** What the room object needs to know about its room; the Worker hands it over on every change. */
export interface RoomConfig {
  roomId: string;
  appId: string;
  kind: 'app' | 'stream' | 'direct';
  streamId: string | null;
  members: string[] | null;
  settings: RoomSettings;
  /** The D1 row's updated_at: an object holding an older version reloads before it accepts a socket. */
  version: number;
}

/** Who is on a socket; verified by the Worker and passed in `IDENTITY_HEADER`. */
export interface Identity {
  id: string;
  name: string | null;
  avatar: string | null;
  role: ChatRole;
  anonymous: boolean;
}

export const IDENTITY_HEADER = 'x-edgelive-identity';
export const CONFIG_VERSION_HEADER = 'x-edgelive-config-version';
/** Epoch ms until which the user is banned app-wide, or `forever`; absent when not banned. */
export const APP_BAN_HEADER = 'x-edgelive-app-ban';

/** The per-socket attachment: short keys because the runtime caps it at 2 KB. */
export interface Attachment {
  u: string;
  n: string | null;
  a: string | null;
  r: ChatRole;
  /** 1 for an anonymous read-only viewer. */
  x: 0 | 1;
}
