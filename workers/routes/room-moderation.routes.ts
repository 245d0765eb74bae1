import { createRoute, z } from '@hono/zod-openapi';
import { roomStub } from '../../core/stubs';
import { iso } from '../../core/time';
import {
  FLAG_REFUSALS,
  type FlagRow,
  type ModerationInput,
  type RestrictionKind,
} from '../../durable-objects/room/contract';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import type { InScopeEnv } from '../middleware/in-scope';
import { ChatMessage, ChatUserId, Restriction, RestrictionBody, RoomParam } from './rooms.schema';

const tags = ['Room moderation'];
const UserParam = RoomParam.extend({ user_id: ChatUserId.openapi({ param: { name: 'user_id', in: 'path' } }) });

/** Bans, mutes (timeouts) and shadow bans share one shape; only the restriction kind differs. */
const KINDS = [
  {
    path: 'bans',
    kind: 'ban',
    on: 'ban',
    off: 'unban',
    what: 'Ban a user from the room (their sockets close with 4003)',
    ids: ['banRoomUser', 'listRoomBans', 'unbanRoomUser'],
  },
  {
    path: 'mutes',
    kind: 'mute',
    on: 'mute',
    off: 'unmute',
    what: 'Mute a user (a timeout when `duration_seconds` is set)',
    ids: ['muteRoomUser', 'listRoomMutes', 'unmuteRoomUser'],
  },
  {
    path: 'shadow-bans',
    kind: 'shadow',
    on: 'shadow_ban',
    off: 'unshadow_ban',
    what: 'Shadow-ban a user: their messages reach only themselves',
    ids: ['shadowBanRoomUser', 'listRoomShadowBans', 'liftRoomShadowBan'],
  },
] as const satisfies readonly {
  path: string;
  kind: RestrictionKind;
  on: ModerationInput['action'];
  off: ModerationInput['action'];
  what: string;
  /** operationIds of the three operations: add, list, lift. */
  ids: readonly [string, string, string];
}[];

export const roomModerationRoutes = createRouter<InScopeEnv<'room'>>();

for (const k of KINDS) {
  roomModerationRoutes
    .openapi(
      createRoute({
        method: 'post',
        path: `/{room_id}/${k.path}`,
        tags,
        operationId: k.ids[0],
        summary: k.what,
        request: { params: RoomParam, ...jsonBody(RestrictionBody) },
        responses: { 201: json(Restriction), ...commonErrors },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const row = c.get('room');
        c.set('audit', {
          action: `room.${k.on}`,
          resourceType: 'room',
          resourceId: row.id,
          details: { user_id: body.user_id },
        });
        const r = await roomStub(c.env, row.id).moderate({
          action: k.on,
          userId: body.user_id,
          durationSeconds: body.duration_seconds,
          reason: body.reason,
          by: c.get('actor')!.id,
        });
        return c.json(
          {
            room_id: row.id,
            user_id: body.user_id,
            until: r.until,
            reason: body.reason ?? null,
            created_at: new Date().toISOString(),
          },
          201,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `/{room_id}/${k.path}`,
        tags,
        operationId: k.ids[1],
        summary: `List the room’s ${k.path} in force`,
        request: { params: RoomParam },
        responses: { 200: json(z.object({ data: z.array(Restriction) })), ...commonErrors },
      }),
      async (c) => {
        const row = c.get('room');
        const rows = await roomStub(c.env, row.id).restrictions(k.kind);
        return c.json(
          {
            data: rows.map((r) => ({
              room_id: row.id,
              user_id: r.user_id,
              until: iso(r.until),
              reason: r.reason,
              created_at: iso(r.created_at)!,
            })),
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `/{room_id}/${k.path}/{user_id}`,
        tags,
        operationId: k.ids[2],
        summary: `Lift a ${k.kind}`,
        request: { params: UserParam },
        responses: { 204: { description: 'Lifted' }, ...commonErrors },
      }),
      async (c) => {
        const { user_id } = c.req.valid('param');
        const row = c.get('room');
        c.set('audit', { action: `room.${k.off}`, resourceType: 'room', resourceId: row.id, details: { user_id } });
        await roomStub(c.env, row.id).moderate({ action: k.off, userId: user_id, by: c.get('actor')!.id });
        return c.body(null, 204);
      },
    );
}

const Flag = z
  .object({
    id: z.string(),
    message_id: z.string(),
    reporter_id: z.string().nullable(),
    reason: z.string(),
    status: z.enum(['open', 'resolved']),
    resolution: z.string().nullable(),
    created_at: z.string(),
    resolved_at: z.string().nullable(),
    message: ChatMessage.nullable(),
  })
  .openapi('ChatFlag');

const renderFlag = (f: FlagRow) => ({
  id: f.id,
  message_id: f.message_id,
  reporter_id: f.reporter_id,
  reason: f.reason,
  status: f.status,
  resolution: f.resolution,
  created_at: iso(f.created_at)!,
  resolved_at: iso(f.resolved_at),
});

roomModerationRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/{room_id}/flags',
      tags,
      operationId: 'listRoomFlags',
      summary: 'Flagged messages (by users or the blocklist in `flag` mode), newest first',
      request: {
        params: RoomParam,
        query: z.object({
          status: z.enum(['open', 'resolved']).default('open'),
          limit: z.coerce.number().int().min(1).max(100).default(25),
          cursor: z.string().max(200).optional(),
        }),
      },
      responses: { 200: json(z.object({ data: z.array(Flag), next_cursor: z.string().nullable() })), ...commonErrors },
    }),
    async (c) => {
      const { status, limit, cursor } = c.req.valid('query');
      const row = c.get('room');
      const page = await roomStub(c.env, row.id).listFlags(status, limit, cursor ? decodeCursor(cursor).t : null);
      const last = page.flags[page.flags.length - 1];
      return c.json(
        {
          data: page.flags.map((f) => ({ ...renderFlag(f), message: f.message })),
          next_cursor: page.has_more && last ? encodeCursor({ t: last.created_at, id: last.id }) : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/{room_id}/flags/{flag_id}/resolve',
      tags,
      operationId: 'resolveRoomFlag',
      summary: 'Resolve a flag: dismiss it, or delete the message',
      request: {
        params: RoomParam.merge(idParam('flag_id', 'flg_123')),
        ...jsonBody(z.object({ action: z.enum(['dismiss', 'delete_message']) }).strict()),
      },
      responses: { 200: json(Flag.omit({ message: true })), ...commonErrors },
    }),
    async (c) => {
      const { flag_id } = c.req.valid('param');
      const row = c.get('room');
      c.set('audit', { action: 'room.flag.resolve', resourceType: 'room', resourceId: row.id, details: { flag_id } });
      const { flag } = orThrow(
        await roomStub(c.env, row.id).resolveFlag(flag_id, c.req.valid('json').action, c.get('actor')!.id),
        FLAG_REFUSALS,
      );
      return c.json(renderFlag(flag), 200);
    },
  );
