import { createRoute, z } from '@hono/zod-openapi';
import { commonErrors, createAppRouter, json } from '../lib/router';
import { appStorage } from '../services/storage.service';

const Storage = z
  .object({
    recordings: z.number().openapi({ description: "Bytes of live streams' segments and recordings." }),
    uploads: z.number().openapi({ description: 'Bytes of uploaded files and their transcoded ladders.' }),
    downloads: z.number().openapi({ description: 'Bytes of MP4 downloads.' }),
    thumbnails: z.number().openapi({ description: 'Bytes of poster frames.' }),
    total: z.number(),
    objects: z.number().openapi({ description: 'How many R2 objects these are.' }),
  })
  .openapi('Storage');

const get = createRoute({
  method: 'get',
  path: '/',
  tags: ['Assets'],
  operationId: 'getStorage',
  summary: "The app's media in R2, in bytes by kind",
  responses: { 200: json(Storage), ...commonErrors },
});

export const storageRoutes = createAppRouter().openapi(get, async (c) =>
  c.json(await appStorage(c.get('db'), c.env, c.get('scope').appId), 200),
);
