import { createRoute, z } from '@hono/zod-openapi';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { sealSecret } from '../../core/secret-box';
import { roomStub } from '../../core/stubs';
import { allowsPrivateTargets, isPrivateHost, isProduction } from '../../core/webhook-url';
import type { ConnectorConfig } from '../../durable-objects/room/contract';
import { badRequest, notFound } from '../lib/errors';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';
import type { InScopeEnv } from '../middleware/in-scope';
import {
  Connector,
  CreateConnector,
  type CreateTwitchConnector,
  type CreateYouTubeConnector,
} from './room-connectors.schema';
import { RoomParam } from './rooms.schema';

/**
 * External chats in a room (`/v1/rooms/{room_id}/connectors`): Twitch chat (IRC) and YouTube Live
 * Chat (the Data API, polled). The room
 * object keeps them and holds the connections (durable-objects/room/chat-connectors.ts); the
 * room row was loaded and scoped by `inScope('room')` (rooms.index.ts).
 */
const tags = ['Chat connectors'];
const ConnectorParam = RoomParam.extend(idParam('connector_id', 'con_123').shape);

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
  summary: 'Bring an external chat (Twitch, YouTube) into the room; its messages arrive with `source`',
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
    const stub = roomStub(c.env, room.id);
    if ((await stub.listConnectors()).length >= MAX_CONNECTORS)
      throw badRequest(`A room has at most ${MAX_CONNECTORS} connectors.`);
    const base = {
      id: newId('chatConnector'),
      room_id: room.id,
      relay: body.relay ?? false,
      created_at: new Date().toISOString(),
    };
    const config = body.kind === 'youtube' ? await youtubeConfig(c.env, body) : await twitchConfig(c.env, body);
    const view = await stub.addConnector({ ...base, ...config });
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

/** A platform API root the room object will call: https in production, never a private address there. */
function checkedApiRoot(env: Env, given: string, field = 'api_root'): string {
  const root = new URL(given);
  const what = field === 'api_root' ? 'The API root' : 'The token URL';
  if (isProduction(env) && root.protocol !== 'https:') throw badRequest(`${what} must be https.`, { field });
  if (isPrivateHost(root.hostname) && !allowsPrivateTargets(env))
    throw badRequest(`${what} must be a public address.`, { field });
  return root.toString();
}

/** YouTube's refresh: the refresh token and the OAuth client it belongs to, sealed together. */
async function youtubeRefresh(env: Env, body: z.infer<typeof CreateYouTubeConnector>) {
  const given = [body.refresh_token, body.client_id, body.client_secret].filter(Boolean).length;
  if (given === 0) {
    if (body.token_url) throw badRequest('`token_url` goes with `refresh_token`.', { field: 'token_url' });
    return { refresh_sealed: null, token_url: null };
  }
  if (given < 3)
    throw badRequest('A refresh needs `refresh_token`, `client_id` and `client_secret` together.', {
      field: 'refresh_token',
    });
  if (!body.token)
    throw badRequest('`refresh_token` goes with an OAuth `token`, not an API key.', { field: 'refresh_token' });
  const refresh = { refresh_token: body.refresh_token, client_id: body.client_id, client_secret: body.client_secret };
  return {
    refresh_sealed: await sealSecret(env, 'chat_connector_token', JSON.stringify(refresh)),
    token_url: checkedApiRoot(env, body.token_url ?? 'https://oauth2.googleapis.com/token', 'token_url'),
  };
}

type KindConfig = Omit<ConnectorConfig, 'id' | 'room_id' | 'relay' | 'created_at'>;

async function twitchConfig(env: Env, body: z.infer<typeof CreateTwitchConnector>): Promise<KindConfig> {
  const host = body.host ?? 'irc.chat.twitch.tv';
  if (isPrivateHost(host) && !allowsPrivateTargets(env))
    throw badRequest('The IRC host must be a public address.', { field: 'host' });
  const root = body.api_root ? checkedApiRoot(env, body.api_root) : null;
  return {
    kind: 'twitch',
    api_root: root,
    channel: `#${body.channel.replace(/^#/, '').toLowerCase()}`,
    host,
    port: body.port ?? 6697,
    tls: body.tls ?? true,
    // Twitch lets anyone read as justinfan<digits>; sending needs a real login and token.
    nick: body.nick ?? `justinfan${Math.floor(10_000 + Math.random() * 89_999)}`,
    token_sealed: body.token ? await sealSecret(env, 'chat_connector_token', body.token) : null,
    auth: body.token ? 'oauth' : null,
  };
}

/** YouTube: which chat (a video's or a chat id), one credential, and relay only with OAuth (YouTube refuses a key's writes). */
async function youtubeConfig(env: Env, body: z.infer<typeof CreateYouTubeConnector>): Promise<KindConfig> {
  if (!body.video_id === !body.live_chat_id)
    throw badRequest('Give exactly one of `video_id` and `live_chat_id`.', { field: 'video_id' });
  if (!body.api_key === !body.token)
    throw badRequest('Give exactly one credential: `api_key` (read only) or `token` (OAuth).', { field: 'token' });
  if (body.relay && !body.token)
    throw badRequest('Relaying room messages to YouTube needs an OAuth `token`, not an API key.', { field: 'relay' });
  const root = new URL(checkedApiRoot(env, body.api_root ?? 'https://youtube.googleapis.com/'));
  const tls = root.protocol === 'https:';
  const refresh = await youtubeRefresh(env, body);
  return {
    ...refresh,
    kind: 'youtube',
    channel: body.live_chat_id ?? '',
    host: root.hostname,
    port: root.port ? Number(root.port) : tls ? 443 : 80,
    tls,
    nick: null,
    token_sealed: await sealSecret(env, 'chat_connector_token', (body.token ?? body.api_key)!),
    api_root: root.toString(),
    video_id: body.video_id ?? null,
    auth: body.token ? 'oauth' : 'api_key',
  };
}
