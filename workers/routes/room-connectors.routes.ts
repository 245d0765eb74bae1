import { createRoute, z } from '@hono/zod-openapi';
import { newId } from '../../core/ids';
import { sealSecret } from '../../core/secret-box';
import { roomStub } from '../../core/stubs';
import { allowsPrivateTargets, isPrivateHost } from '../../core/webhook-url';
import { CONNECTOR_KINDS } from '../../durable-objects/room/contract';
import { badRequest, notFound } from '../lib/errors';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';
import type { InScopeEnv } from '../middleware/in-scope';
import { RoomParam } from './rooms.schema';

/**
 * External chats in a room (`/v1/rooms/{room_id}/connectors`): Twitch chat (IRC) today. The room
 * object keeps them and holds the connections (durable-objects/room/chat-connectors.ts); the
 * room row was loaded and scoped by `inScope('room')` (rooms.index.ts).
 */
const tags = ['Chat connectors'];
const ConnectorParam = RoomParam.extend(idParam('connector_id', 'con_123').shape);

const CreateConnector = z
  .object({
    kind: z.enum(CONNECTOR_KINDS),
    channel: z
      .string()
      .regex(/^#?[A-Za-z0-9_]{1,50}$/, 'a channel name (letters, digits, _), with or without #')
      .openapi({ example: 'mychannel' }),
    host: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name or IPv4 address')
      .optional()
      .openapi({ description: 'The IRC server; default `irc.chat.twitch.tv`.' }),
    port: z.number().int().min(1).max(65535).optional().openapi({ description: 'Default 6697 (TLS).' }),
    tls: z.boolean().optional(),
    nick: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,25}$/)
      .optional()
      .openapi({ description: "The bot's login; without `token`, Twitch's anonymous read-only `justinfan` nick." }),
    token: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Twitch `oauth:...` token (needed to relay). Encrypted at rest, never returned.' }),
    relay: z
      .boolean()
      .optional()
      .openapi({ description: 'Send messages written in the room to the external chat too.' }),
  })
  .strict()
  .openapi('CreateChatConnector');

const Connector = z
  .object({
    id: z.string().openapi({ example: 'con_123' }),
    room_id: z.string(),
    kind: z.enum(CONNECTOR_KINDS),
    channel: z.string(),
    host: z.string(),
    port: z.number().int(),
    tls: z.boolean(),
    nick: z.string(),
    token_set: z.boolean(),
    relay: z.boolean(),
    status: z.enum(['connecting', 'connected', 'errored']),
    last_error: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('ChatConnector');

const list = createRoute({
  method: 'get',
  path: '/{room_id}/connectors',
  operationId: 'listChatConnectors',
  tags,
  summary: "A room's external chats and their status",
  request: { params: RoomParam },
  responses: { 200: json(z.object({ data: z.array(Connector), next_cursor: z.string().nullable() })), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/{room_id}/connectors',
  operationId: 'createChatConnector',
  tags,
  summary: 'Bring an external chat (Twitch) into the room; its messages arrive with `source`',
  request: { params: RoomParam, ...jsonBody(CreateConnector) },
  responses: { 201: json(Connector), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{room_id}/connectors/{connector_id}',
  operationId: 'getChatConnector',
  tags,
  summary: 'Get a chat connector and its status',
  request: { params: ConnectorParam },
  responses: { 200: json(Connector), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{room_id}/connectors/{connector_id}',
  operationId: 'deleteChatConnector',
  tags,
  summary: 'Disconnect and delete a chat connector',
  request: { params: ConnectorParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

const MAX_CONNECTORS = 5;

export const roomConnectorRoutes = createRouter<InScopeEnv<'room'>>()
  .openapi(list, async (c) => {
    const data = await roomStub(c.env, c.get('room').id).listConnectors();
    return c.json({ data, next_cursor: null }, 200);
  })
  .openapi(create, async (c) => {
    const room = c.get('room');
    const body = c.req.valid('json');
    const host = body.host ?? 'irc.chat.twitch.tv';
    if (isPrivateHost(host) && !allowsPrivateTargets(c.env))
      throw badRequest('The IRC host must be a public address.', { field: 'host' });
    const stub = roomStub(c.env, room.id);
    if ((await stub.listConnectors()).length >= MAX_CONNECTORS)
      throw badRequest(`A room has at most ${MAX_CONNECTORS} connectors.`);
    const channel = `#${body.channel.replace(/^#/, '').toLowerCase()}`;
    const view = await stub.addConnector({
      id: newId('chatConnector'),
      room_id: room.id,
      kind: body.kind,
      channel,
      host,
      port: body.port ?? 6697,
      tls: body.tls ?? true,
      // Twitch lets anyone read as justinfan<digits>; sending needs a real login and token.
      nick: body.nick ?? `justinfan${Math.floor(10_000 + Math.random() * 89_999)}`,
      token_sealed: body.token ? await sealSecret(c.env, 'chat_connector_token', body.token) : null,
      relay: body.relay ?? false,
      created_at: new Date().toISOString(),
    });
    c.set('audit', { action: 'chat_connector.create', resourceType: 'chat_connector', resourceId: view.id });
    return c.json(view, 201);
  })
  .openapi(get, async (c) => {
    const id = c.req.valid('param').connector_id;
    const found = (await roomStub(c.env, c.get('room').id).listConnectors()).find((x) => x.id === id);
    if (!found) throw notFound('connector');
    return c.json(found, 200);
  })
  .openapi(remove, async (c) => {
    const id = c.req.valid('param').connector_id;
    if (!(await roomStub(c.env, c.get('room').id).removeConnector(id))) throw notFound('connector');
    c.set('audit', { action: 'chat_connector.delete', resourceType: 'chat_connector', resourceId: id });
    return c.body(null, 204);
  });
