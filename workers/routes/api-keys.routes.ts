import { createRoute } from '@hono/zod-openapi';
import { scopeCatalog } from '../lib/api-scopes';
import { badRequest } from '../lib/errors';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { consoleUser } from '../middleware/scope';
import { createApiKey, findApiKey, listApiKeys, revokeApiKey, rotateApiKey } from '../services/api-keys.service';
import { ApiKey, ApiKeyWithSecret, CreateApiKeyBody, renderApiKey } from './api-keys.schema';
// A cycle (app-resources mounts this router), harmless: the list is only read inside the handler.
import { appResources } from './app-resources';

const tags = ['API keys'];
const KeyParam = idParam('key_id', 'key_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listApiKeys',
  summary: 'List API keys (never their secrets)',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(ApiKey)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  operationId: 'createApiKey',
  summary: 'Create an API key; the secret is shown once (console sessions only)',
  request: jsonBody(CreateApiKeyBody),
  responses: { 201: json(ApiKeyWithSecret), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{key_id}',
  tags,
  operationId: 'getApiKey',
  summary: 'Get an API key',
  request: { params: KeyParam },
  responses: { 200: json(ApiKey), ...commonErrors },
});
const revoke = createRoute({
  method: 'delete',
  path: '/{key_id}',
  tags,
  operationId: 'revokeApiKey',
  summary: 'Revoke an API key (console sessions only)',
  request: { params: KeyParam },
  responses: { 200: json(ApiKey), ...commonErrors },
});
const rotate = createRoute({
  method: 'post',
  path: '/{key_id}/rotate',
  tags,
  operationId: 'rotateApiKey',
  summary: 'Replace a key with a new one of the same name, revoking the old one (console sessions only)',
  request: { params: KeyParam },
  responses: { 201: json(ApiKeyWithSecret), ...commonErrors },
});

/**
 * Minting, rotating and revoking keys is for console sessions: a key that could mint keys would
 * survive its own revocation through the keys it made. Checked after validation, so a malformed
 * request still learns what is wrong with it.
 */
export const apiKeyRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    return c.json(pageOf(await listApiKeys(c.get('db'), c.get('scope').appId, q), q.limit, renderApiKey), 200);
  })
  .openapi(create, async (c) => {
    const user = consoleUser(c.get('actor'));
    const body = c.req.valid('json');
    const scopes = [...new Set(body.scopes ?? ['*'])];
    const known = new Set(scopeCatalog(Object.keys(appResources)));
    const unknown = scopes.filter((s) => !known.has(s));
    if (unknown.length) throw badRequest(`Unknown scopes: ${unknown.join(', ')}.`, { unknown, known: [...known] });
    const key = await createApiKey(c.get('db'), c.env, c.get('scope').appId, body.name, user.id, {
      scopes,
      rateLimit: body.rate_limit_per_minute ?? null,
    });
    c.set('audit', { action: 'api_key.create', resourceType: 'api_key', resourceId: key.id });
    return c.json(key, 201);
  })
  .openapi(get, async (c) =>
    c.json(renderApiKey(await findApiKey(c.get('db'), c.get('scope').appId, c.req.valid('param').key_id)), 200),
  )
  .openapi(revoke, async (c) => {
    const { key_id } = c.req.valid('param');
    c.set('audit', { action: 'api_key.revoke', resourceType: 'api_key', resourceId: key_id });
    consoleUser(c.get('actor'));
    const db = c.get('db');
    const row = await revokeApiKey(db, c.env, await findApiKey(db, c.get('scope').appId, key_id));
    return c.json(renderApiKey(row), 200);
  })
  .openapi(rotate, async (c) => {
    const { key_id } = c.req.valid('param');
    c.set('audit', { action: 'api_key.rotate', resourceType: 'api_key', resourceId: key_id });
    const user = consoleUser(c.get('actor'));
    const db = c.get('db');
    const key = await rotateApiKey(db, c.env, await findApiKey(db, c.get('scope').appId, key_id), user.id);
    return c.json(key, 201);
  });
