import { applySettingsPatch, DEFAULT_ROOM_SETTINGS } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { rooms } from '../../core/db/schema/index';
import { emitEvent } from '../../core/events';
import { roomStub } from '../../core/stubs';
import { blocklistProblems, roomConfigOf } from '../../durable-objects/room/contract';
import { ApiError, badRequest } from '../lib/errors';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, json, jsonBody } from '../lib/router';
import { createRoom, deleteRoom, directKey, findRoom, renderRoom } from '../services/rooms.service';
import { ChatUserId, Metadata, Room, RoomParam, RoomWithLive, SettingsPatch } from './rooms.schema';

const tags = ['Rooms'];

/** Bad patterns are a 400 naming each one, never something the room object tries to run. */
function checkedSettings(s: ReturnType<typeof applySettingsPatch>) {
  const problems = blocklistProblems(s.blocklist);
  if (problems.length)
    throw new ApiError(400, 'invalid_pattern', 'Some blocklist patterns are not allowed.', { problems });
  return s;
}

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listRooms',
  summary: 'List rooms',
  request: {
    query: PageQuery.extend({
      kind: z.enum(['app', 'stream', 'direct']).optional(),
      stream_id: z.string().max(64).optional(),
    }),
  },
  responses: { 200: json(pageSchema(Room)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  operationId: 'createRoom',
  summary: 'Create a room; a direct room between two users is created once and returned (200) after that',
  request: jsonBody(
    z
      .object({
        name: z.string().trim().min(1).max(200).optional(),
        kind: z.enum(['app', 'direct']).default('app'),
        members: z
          .array(ChatUserId)
          .length(2)
          .optional()
          .openapi({ description: 'Required for `direct`: the two user ids.' }),
        settings: SettingsPatch.optional(),
        metadata: Metadata.optional(),
      })
      .strict(),
  ),
  responses: { 201: json(Room), 200: json(Room, 'The existing direct room of this pair'), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{room_id}',
  tags,
  operationId: 'getRoom',
  summary: 'Get a room with its live counts',
  request: { params: RoomParam },
  responses: { 200: json(RoomWithLive), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{room_id}',
  tags,
  operationId: 'updateRoom',
  summary: 'Change a room’s name, settings or metadata (connected clients get `room_updated`)',
  request: {
    params: RoomParam,
    ...jsonBody(
      z
        .object({
          name: z.string().trim().min(1).max(200).nullable().optional(),
          settings: SettingsPatch.optional(),
          metadata: Metadata.optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: json(Room), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{room_id}',
  tags,
  operationId: 'deleteRoom',
  summary: 'Delete a room: sockets close with 4004 and history is erased',
  request: { params: RoomParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const roomCrudRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const { limit, cursor, kind, stream_id } = c.req.valid('query');
    const page = keyset(rooms.createdAt, rooms.id, cursor);
    const rows = await c
      .get('db')
      .select()
      .from(rooms)
      .where(
        and(
          eq(rooms.appId, c.get('scope').appId),
          isNull(rooms.deletedAt),
          kind ? eq(rooms.kind, kind) : undefined,
          stream_id ? eq(rooms.streamId, stream_id) : undefined,
          page.where,
        ),
      )
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    return c.json(pageOf(rows, limit, renderRoom), 200);
  })
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const appId = c.get('scope').appId;
    const settings = checkedSettings(applySettingsPatch(DEFAULT_ROOM_SETTINGS, body.settings ?? {}));
    if (body.kind === 'direct') {
      if (!body.members || body.members[0] === body.members[1])
        throw badRequest('A direct room needs `members`: two different user ids.');
      const existing = await c.get('db').query.rooms.findFirst({
        where: and(eq(rooms.appId, appId), eq(rooms.directKey, directKey(body.members)), isNull(rooms.deletedAt)),
      });
      if (existing) return c.json(renderRoom(existing), 200);
    } else if (body.members) {
      throw badRequest('`members` is only for direct rooms.');
    }
    const row = await createRoom(c.env, appId, {
      kind: body.kind,
      name: body.name ?? null,
      members: body.kind === 'direct' ? [...body.members!].sort() : null,
      settings,
      metadata: body.metadata,
    });
    c.set('audit', { action: 'room.create', resourceType: 'room', resourceId: row.id });
    return c.json(renderRoom(row), 201);
  })
  .openapi(get, async (c) => {
    const row = await findRoom(c.get('db'), c.get('scope').appId, c.req.valid('param').room_id);
    const live = await roomStub(c.env, row.id).stats();
    return c.json({ ...renderRoom(row), live }, 200);
  })
  .openapi(update, async (c) => {
    const body = c.req.valid('json');
    const db = c.get('db');
    const row = await findRoom(db, c.get('scope').appId, c.req.valid('param').room_id);
    c.set('audit', { action: 'room.update', resourceType: 'room', resourceId: row.id });
    const settings = body.settings ? checkedSettings(applySettingsPatch(row.settings, body.settings)) : row.settings;
    // updated_at doubles as the config version: strictly increasing even within one millisecond.
    const patch = {
      settings,
      updatedAt: Math.max(Date.now(), row.updatedAt + 1),
      name: body.name === undefined ? row.name : body.name,
      metadata: body.metadata ?? row.metadata,
    };
    const [updated] = await db.update(rooms).set(patch).where(eq(rooms.id, row.id)).returning();
    await roomStub(c.env, row.id).configure(roomConfigOf(updated!));
    await emitEvent(c.env, {
      appId: row.appId,
      type: 'room.updated',
      objectType: 'room',
      objectId: row.id,
      data: renderRoom(updated!),
    });
    return c.json(renderRoom(updated!), 200);
  })
  .openapi(remove, async (c) => {
    const row = await findRoom(c.get('db'), c.get('scope').appId, c.req.valid('param').room_id);
    c.set('audit', { action: 'room.delete', resourceType: 'room', resourceId: row.id });
    await deleteRoom(c.env, row);
    return c.body(null, 204);
  });
