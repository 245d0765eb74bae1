import type { ChatRole } from '@edgelive/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { createDb } from '../../core/db/client';
import { rooms } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { ANONYMOUS_ID_PREFIX, type Identity, type RoomConfig, roomConfigOf } from './contract';

/** What the object reads from D1 when its copy of the settings is older than the Worker's. */
export async function loadRoomConfig(env: Env, roomId: string): Promise<RoomConfig | null> {
  const row = await createDb(env.DB).query.rooms.findFirst({
    where: and(eq(rooms.id, roomId), isNull(rooms.deletedAt)),
  });
  return row ? roomConfigOf(row) : null;
}

/** The address a socket's limits go by: only a socket with no user (an anonymous viewer) has one. */
export const addressOf = (identity: Identity, address: string | null) =>
  identity.anonymous && identity.id.startsWith(ANONYMOUS_ID_PREFIX) && address ? address : undefined;

/** The per-socket attachment: short keys because the runtime caps it at 2 KB. */
export interface Attachment {
  u: string;
  n: string | null;
  a: string | null;
  r: ChatRole;
  /** 1 for an anonymous read-only viewer. */
  x: 0 | 1;
  /** When the socket's chat token expires (epoch ms); absent for sockets without a token. */
  e?: number;
  /** The caller's address, kept for sockets without a user (anonymous viewers): their limits are per address. */
  i?: string;
}

/** Whose budget a socket's frames and connections count against: the user, or for anonymous viewers the address. */
export const limitKey = (a: Attachment) => (a.i ? `ip:${a.i}` : `u:${a.u}`);
