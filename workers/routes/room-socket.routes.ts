import { ChatRole, UserId } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { rooms } from '../../core/db/schema/index';
import { isIdOf, randomToken } from '../../core/ids';
import { ANONYMOUS_ID_PREFIX, type Identity, isReservedUserId } from '../../durable-objects/room/contract';
import { ApiError, notFound } from '../lib/errors';
import { chatTokenSecurity, createRouter } from '../lib/router';
import { assertChatUserAllowed } from '../services/plan-limits.service';
import { connectToRoom, requireUpgrade } from '../services/room-socket.service';
import { verifyViewerToken } from '../services/tokens.service';
import { requireRoomOfPlayback } from '../services/watch-token.service';
import { RoomParam } from './rooms.schema';

const socket = createRoute({
  method: 'get',
  path: '/{room_id}/ws',
  security: chatTokenSecurity,
  tags: ['Rooms'],
  operationId: 'connectRoomSocket',
  summary: 'Open the room’s WebSocket (protocol: docs/rooms-protocol.md)',
  description:
    'Authenticated by a chat token (`aud` = `chat`) signed with one of the app’s signing keys, checked before the room is reached. ' +
    'Without a token the socket is read-only, and only where the room allows anonymous viewers. `since` resumes after a message id.',
  request: {
    params: RoomParam,
    query: z.object({ token: z.string().max(8192).optional(), since: z.string().max(64).optional() }),
  },
  responses: {
    101: { description: 'Switching protocols' },
    401: { description: 'Missing, expired or invalid token' },
    403: { description: 'Token from another app, or not a member of this direct room' },
    404: { description: 'No such room' },
    429: { description: 'Too many open sockets for this user (or, anonymously, this address)' },
    426: { description: 'Not a WebSocket upgrade' },
  },
});

const str = (v: unknown, max: number) => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null);

/**
 * Mounted before the API-key scope: the socket's credential is the end user's token, not a key.
 * Everything that can refuse a connection is decided here, so the room object only sees callers
 * that may be there.
 */
export const roomSocketRoutes = createRouter().openapi(socket, async (c) => {
  requireUpgrade(c);
  const { room_id } = c.req.valid('param');
  const { token } = c.req.valid('query');
  const db = c.get('db');
  const room =
    isIdOf('room', room_id) &&
    (await db.query.rooms.findFirst({ where: and(eq(rooms.id, room_id), isNull(rooms.deletedAt)) }));
  if (!room) throw notFound('room');

  let identity: Identity;
  let expiresAt: number | undefined;
  if (token) {
    // A refused token is a TokenError, already an API error with its status.
    const { claims } = await verifyViewerToken(db, token, { aud: 'chat', appId: room.appId });
    // A combined video + chat token names its playback id: it opens that stream's room only.
    if (claims.playback_id !== undefined) await requireRoomOfPlayback(db, room.streamId, claims.playback_id);
    const sub = UserId.safeParse(claims.sub);
    if (!sub.success)
      throw new ApiError(
        401,
        'token_malformed',
        'The token’s sub must be a user id (1-64 of A-Z a-z 0-9 _ . : @ | -).',
      );
    // Console members and anonymous viewers have ids of these shapes; a token must not pass for one.
    if (isReservedUserId(sub.data))
      throw new ApiError(
        401,
        'token_malformed',
        'The token’s sub must not start with `console:` or `anon_`: those ids are reserved.',
      );
    const role = ChatRole.safeParse(claims.role ?? 'user');
    if (!role.success) throw new ApiError(401, 'token_malformed', 'The token’s role must be user, moderator or admin.');
    identity = {
      id: sub.data,
      name: str(claims.name, 100),
      avatar: str(claims.avatar, 500),
      role: role.data,
      anonymous: false,
    };
    expiresAt = typeof claims.exp === 'number' ? claims.exp : undefined;
    // A user new this month past the plan's chat MAU is refused here, before the room is reached.
    await assertChatUserAllowed(db, c.env, room.appId, identity.id);
  } else {
    if (!room.settings.anonymous_read || room.kind === 'direct') {
      throw new ApiError(
        401,
        'token_missing',
        'A chat token is required (?token=...); this room has no anonymous viewers.',
      );
    }
    identity = {
      id: `${ANONYMOUS_ID_PREFIX}${randomToken(16)}`,
      name: null,
      avatar: null,
      role: 'user',
      anonymous: true,
    };
  }

  return connectToRoom(c, room, identity, expiresAt);
});
