import type { Context } from 'hono';
import { roomShardStub, roomStub } from '../../core/stubs';
import {
  ADDRESS_HEADER,
  APP_BAN_HEADER,
  CONFIG_VERSION_HEADER,
  IDENTITY_HEADER,
  type Identity,
  ROOM_ID_HEADER,
  SHARD_HEADER,
  shardName,
  TOKEN_EXPIRES_HEADER,
} from '../../durable-objects/room/contract';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { activeAppBan, type RoomRow } from './rooms.service';

/** Both socket routes refuse plain HTTP the same way, before any lookup. */
export function requireUpgrade(c: Context<AppEnv>) {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError(426, 'upgrade_required', 'This endpoint speaks WebSocket only.');
  }
}

/**
 * Hands a verified caller to the room object. Shared by the end-user socket (chat token) and the
 * console socket (session): whoever decided the identity, the direct-room rule, the app-wide ban
 * and the headers the object trusts are applied here once. `expiresAt` (epoch seconds) is the
 * chat token's `exp`: the object closes the socket then.
 */
export async function connectToRoom(
  c: Context<AppEnv>,
  room: RoomRow,
  identity: Identity,
  expiresAt?: number,
): Promise<Response> {
  if (room.kind === 'direct' && (identity.anonymous || !room.members?.includes(identity.id)))
    throw new ApiError(403, 'forbidden', 'This direct room is private to its two members.');
  const ban = identity.anonymous ? null : await activeAppBan(c.get('db'), room.appId, identity.id);
  // A fresh request: nothing the client sent besides the URL reaches the object.
  const headers = new Headers({
    upgrade: 'websocket',
    [IDENTITY_HEADER]: JSON.stringify(identity),
    [ROOM_ID_HEADER]: room.id,
    [CONFIG_VERSION_HEADER]: String(room.updatedAt),
  });
  if (ban) headers.set(APP_BAN_HEADER, ban.expiresAt ? String(ban.expiresAt) : 'forever');
  if (expiresAt) headers.set(TOKEN_EXPIRES_HEADER, String(expiresAt));
  const address = c.req.header('cf-connecting-ip');
  if (address) headers.set(ADDRESS_HEADER, address);
  const res = (await roomStub(c.env, room.id).fetch(new Request(c.req.url, { headers }))) as unknown as Response;
  // A big room sends new sockets to one of its edge shards (durable-objects/room-shard): the same hand-over there.
  const shard = res.status === 307 ? res.headers.get(SHARD_HEADER) : null;
  if (shard === null) return res;
  headers.set(SHARD_HEADER, shard);
  return roomShardStub(c.env, shardName(room.id, Number(shard))).fetch(
    new Request(c.req.url, { headers }),
  ) as unknown as Response;
}
