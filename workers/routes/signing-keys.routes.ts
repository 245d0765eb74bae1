import { createRoute } from '@hono/zod-openapi';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { deleteSigningKey, findSigningKey, issueSigningKey, listSigningKeys } from '../services/signing-keys.service';
import { CreateSigningKeyBody, renderSigningKey, SigningKey, SigningKeyWithPrivate } from './signing-keys.schema';

const tags = ['Signing keys'];
const KeyParam = idParam('signing_key_id', 'sk_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listSigningKeys',
  summary: 'List signing keys (public halves)',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(SigningKey)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  operationId: 'createSigningKey',
  summary: 'Create a signing key for playback and chat tokens; the private key is shown once',
  request: jsonBody(CreateSigningKeyBody),
  responses: { 201: json(SigningKeyWithPrivate), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{signing_key_id}',
  tags,
  operationId: 'getSigningKey',
  summary: 'Get a signing key',
  request: { params: KeyParam },
  responses: { 200: json(SigningKey), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{signing_key_id}',
  tags,
  operationId: 'deleteSigningKey',
  summary: 'Delete a signing key (tokens it signed stop working)',
  request: { params: KeyParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const signingKeyRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    return c.json(pageOf(await listSigningKeys(c.get('db'), c.get('scope').appId, q), q.limit, renderSigningKey), 200);
  })
  .openapi(create, async (c) => {
    const key = await issueSigningKey(c.get('db'), c.get('scope').appId, c.req.valid('json').name ?? 'Signing key');
    c.set('audit', { action: 'signing_key.create', resourceType: 'signing_key', resourceId: key.id });
    return c.json(key, 201);
  })
  .openapi(get, async (c) =>
    c.json(
      renderSigningKey(await findSigningKey(c.get('db'), c.get('scope').appId, c.req.valid('param').signing_key_id)),
      200,
    ),
  )
  .openapi(remove, async (c) => {
    const { signing_key_id } = c.req.valid('param');
    c.set('audit', { action: 'signing_key.delete', resourceType: 'signing_key', resourceId: signing_key_id });
    const db = c.get('db');
    await deleteSigningKey(db, await findSigningKey(db, c.get('scope').appId, signing_key_id));
    return c.body(null, 204);
  });
