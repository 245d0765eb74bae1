import { createRoute } from '@hono/zod-openapi';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { assertStorageAllowed } from '../services/plan-limits.service';
import { cancelUpload, createUpload, findUpload, listUploads } from '../services/uploads.service';
import { CreateUploadBody, renderUpload, Upload } from './uploads.schema';

const tags = ['Uploads'];
const UploadParam = idParam('upload_id', 'upl_123');
const base = (url: string) => new URL(url).origin;

const create = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createUpload',
  tags,
  summary: 'Create a direct upload: a tus URL a browser uploads one video file to; it becomes an asset',
  request: jsonBody(CreateUploadBody),
  responses: { 201: json(Upload), ...commonErrors },
});
const list = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listUploads',
  tags,
  summary: 'List direct uploads, newest first',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(Upload)), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{upload_id}',
  operationId: 'getUpload',
  tags,
  summary: 'Get a direct upload (its offset, and its asset once the file is in)',
  request: { params: UploadParam },
  responses: { 200: json(Upload), ...commonErrors },
});
const cancel = createRoute({
  method: 'delete',
  path: '/{upload_id}',
  operationId: 'cancelUpload',
  tags,
  summary: 'Cancel an unfinished upload; what it stored so far is deleted',
  request: { params: UploadParam },
  responses: { 204: { description: 'Cancelled' }, ...commonErrors },
});

export const uploadRoutes = createAppRouter()
  .openapi(create, async (c) => {
    await assertStorageAllowed(c.get('db'), c.env, c.get('scope').appId);
    const row = await createUpload(c.get('db'), c.get('scope').appId, c.req.valid('json'));
    c.set('audit', { action: 'upload.create', resourceType: 'upload', resourceId: row.id });
    return c.json(renderUpload(row, base(c.req.url)), 201);
  })
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const rows = await listUploads(c.get('db'), c.get('scope').appId, q);
    return c.json(
      pageOf(rows, q.limit, (r) => renderUpload(r, base(c.req.url))),
      200,
    );
  })
  .openapi(get, async (c) => {
    const row = await findUpload(c.get('db'), c.get('scope').appId, c.req.valid('param').upload_id);
    return c.json(renderUpload(row, base(c.req.url)), 200);
  })
  .openapi(cancel, async (c) => {
    const row = await findUpload(c.get('db'), c.get('scope').appId, c.req.valid('param').upload_id);
    c.set('audit', { action: 'upload.cancel', resourceType: 'upload', resourceId: row.id });
    await cancelUpload(c.get('db'), c.env, row);
    return c.body(null, 204);
  });
