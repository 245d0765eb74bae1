import { createRoute, z } from '@hono/zod-openapi';
import { PageQuery, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { assetChat } from '../services/asset-chat.service';

/** `GET /v1/assets/{id}/chat?from=&to=`: the chat replay of a recording (or a clip of one) by media time. */
const AssetChatMessage = z
  .object({
    id: z.string(),
    name: z.string().nullable().openapi({ description: "The sender's display name (or user id)." }),
    text: z.string(),
    media_time_s: z.number().openapi({ description: "Seconds into the asset's media when it was sent." }),
    sent_at: z.string(),
  })
  .openapi('AssetChatMessage');

const seconds = z.coerce.number().min(0).max(86_400).optional();
const ChatQuery = PageQuery.extend({
  from: seconds.openapi({ description: 'Media time (seconds) to start at; default 0.' }),
  to: seconds.openapi({ description: 'Media time (seconds) to end before; default the end of the asset.' }),
});

const list = createRoute({
  method: 'get',
  path: '/{asset_id}/chat',
  tags: ['Assets'],
  middleware: [inScope('asset')] as const,
  operationId: 'listAssetChat',
  summary: "The stream's chat during a recording, by media time, oldest first (empty for uploads)",
  request: { params: idParam('asset_id', 'ast_123'), query: ChatQuery },
  responses: { 200: json(pageSchema(AssetChatMessage)), ...commonErrors },
});

export const assetChatRoutes = createAppRouter().openapi(list, async (c) =>
  c.json(await assetChat(c.get('db'), c.env, c.get('asset'), c.req.valid('query')), 200),
);
