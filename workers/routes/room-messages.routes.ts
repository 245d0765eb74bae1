import { LIMITS } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { roomStub } from '../../core/stubs';
import { MESSAGE_REFUSALS } from '../../durable-objects/room/contract';
import { ApiError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import type { InScopeEnv } from '../middleware/in-scope';
import { ChatMessage, RoomParam } from './rooms.schema';

const tags = ['Room messages'];

const list = createRoute({
  method: 'get',
  path: '/{room_id}/messages',
  tags,
  operationId: 'listRoomMessages',
  summary: 'Message history: newest first in cursor pages, or oldest first after `since` (a message id)',
  request: {
    params: RoomParam,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(LIMITS.maxPage).default(50),
      cursor: z.string().max(200).optional(),
      since: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: 'Return the messages after this one, oldest first.' }),
    }),
  },
  responses: {
    200: json(z.object({ data: z.array(ChatMessage), next_cursor: z.string().nullable(), has_more: z.boolean() })),
    ...commonErrors,
  },
});
const post = createRoute({
  method: 'post',
  path: '/{room_id}/messages',
  tags,
  operationId: 'postRoomMessage',
  summary: 'Post a system message (from your backend, shown as from nobody)',
  request: {
    params: RoomParam,
    ...jsonBody(z.object({ text: z.string().trim().min(1).max(LIMITS.maxMessageLength) }).strict()),
  },
  responses: { 201: json(ChatMessage), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{room_id}/messages/{message_id}',
  tags,
  operationId: 'deleteRoomMessage',
  summary: 'Delete a message (connected clients see it go)',
  request: { params: RoomParam.merge(idParam('message_id', 'msg_123')) },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const roomMessageRoutes = createRouter<InScopeEnv<'room'>>()
  .openapi(list, async (c) => {
    const { limit, cursor, since } = c.req.valid('query');
    if (cursor && since) throw new ApiError(400, 'invalid_request', 'Use either `cursor` or `since`, not both.');
    const row = c.get('room');
    const stub = roomStub(c.env, row.id);
    if (since !== undefined) {
      const page = orThrow(await stub.listMessages({ limit, sinceId: since }), MESSAGE_REFUSALS);
      return c.json({ data: page.messages, next_cursor: null, has_more: page.has_more }, 200);
    }
    // The cursor carries the room-local sequence number: stable however fast the room talks.
    const beforeSeq = cursor ? decodeCursor(cursor).t : undefined;
    const page = orThrow(await stub.listMessages({ limit, beforeSeq }), MESSAGE_REFUSALS);
    const last = page.messages[page.messages.length - 1];
    return c.json(
      {
        data: page.messages,
        next_cursor: page.has_more && last ? encodeCursor({ t: last.seq, id: last.id }) : null,
        has_more: page.has_more,
      },
      200,
    );
  })
  .openapi(post, async (c) => {
    const row = c.get('room');
    const message = await roomStub(c.env, row.id).postSystemMessage(c.req.valid('json').text);
    c.set('audit', {
      action: 'room.message.create',
      resourceType: 'room',
      resourceId: row.id,
      details: { message_id: message.id },
    });
    return c.json(message, 201);
  })
  .openapi(remove, async (c) => {
    const { message_id } = c.req.valid('param');
    const row = c.get('room');
    c.set('audit', {
      action: 'room.message.delete',
      resourceType: 'room',
      resourceId: row.id,
      details: { message_id },
    });
    orThrow(await roomStub(c.env, row.id).deleteMessage(message_id, c.get('actor')!.id), MESSAGE_REFUSALS);
    return c.body(null, 204);
  });
