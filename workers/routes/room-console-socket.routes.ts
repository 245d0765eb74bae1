import type { ChatRole } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { users } from '../../core/db/schema/index';
import type { Identity } from '../../durable-objects/room/contract';
import type { Role } from '../env';
import { forbidden, notFound, unauthorized } from '../lib/errors';
import { createRouter, sessionSecurity } from '../lib/router';
import { connectToRoom, requireUpgrade } from '../services/room-socket.service';
import { findRoom } from '../services/rooms.service';
import { RoomParam } from './rooms.schema';

/**
 * What a console member is in chat. Owners and admins run the app, so they are chat admins;
 * developers moderate; viewers may watch but, as everywhere in the console, change nothing, so
 * their socket is read-only (the room object's anonymous mode, under their own name).
 */
export const CONSOLE_CHAT_ROLES: Record<Role, ChatRole | 'read_only'> = {
  owner: 'admin',
  admin: 'admin',
  developer: 'moderator',
  viewer: 'read_only',
};

/**
 * Console members' chat id: prefixed so a member can never be mistaken for (or banned as) one of
 * the customer's own end users, whose ids the customer chooses.
 */
export const consoleChatId = (userId: string) => `console:${userId}`;

const socket = createRoute({
  method: 'get',
  path: '/{room_id}/ws',
  security: sessionSecurity,
  tags: ['Rooms'],
  operationId: 'connectRoomConsoleSocket',
  summary: 'Open the room’s WebSocket as a console member (protocol: docs/rooms-protocol.md)',
  description:
    'For the console, which holds no signing key: the session cookie authenticates, and the member’s org role decides ' +
    'the chat role (owner/admin → admin, developer → moderator, viewer → read-only). API keys use chat tokens on ' +
    '`/v1/rooms/{room_id}/ws` instead. `since` resumes after a message id.',
  request: { params: RoomParam, query: z.object({ since: z.string().max(64).optional() }) },
  responses: {
    101: { description: 'Switching protocols' },
    401: { description: 'No session' },
    403: { description: 'An API key, or a direct room' },
    404: { description: 'No such app or room (or not a member of its org)' },
    426: { description: 'Not a WebSocket upgrade' },
  },
});

/** Mounted at `/v1/apps/{app_id}/rooms`, behind the session app scope, which has set the member's role. */
export const roomConsoleSocketRoutes = createRouter().openapi(socket, async (c) => {
  requireUpgrade(c);
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  if (actor.type !== 'user') throw forbidden('API keys open room sockets with a chat token on /v1/rooms/{room_id}/ws.');
  const { room_id } = c.req.valid('param');
  const { appId, role } = c.get('scope');
  // Mounted behind sessionAppScope, which always names the app; an org scope never gets here.
  if (appId === null) throw notFound('app');
  const db = c.get('db');
  const room = await findRoom(db, appId, room_id);
  const user = await db.query.users.findFirst({ where: eq(users.id, actor.id) });
  if (!user) throw unauthorized();
  const chatRole = CONSOLE_CHAT_ROLES[role];
  const identity: Identity = {
    id: consoleChatId(user.id),
    name: user.name.slice(0, 100),
    avatar: null,
    role: chatRole === 'read_only' ? 'user' : chatRole,
    anonymous: chatRole === 'read_only',
  };
  return connectToRoom(c, room, identity);
});
