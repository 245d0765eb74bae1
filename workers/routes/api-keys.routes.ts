import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { apiKeys } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { isIdOf, newId, randomToken } from '../../core/ids';
import { iso } from '../../core/time';
import { notFound } from '../lib/errors';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';

const ApiKey = z
  .object({
    id: z.string(),
    app_id: z.string(),
    name: z.string(),
    status: z.enum(['active', 'revoked']),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi('ApiKey');
const ApiKeyWithSecret = ApiKey.extend({
  secret: z.string().openapi({ description: 'Shown once; we keep only its hash.' }),
  token: z.string().openapi({ description: '`<id>:<secret>`, ready for `Authorization: Bearer`.' }),
}).openapi('ApiKeyWithSecret');

const render = (k: typeof apiKeys.$inferSelect) => ({
  id: k.id,
  app_id: k.appId,
  name: k.name,
  status: k.revokedAt ? ('revoked' as const) : ('active' as const),
  created_at: iso(k.createdAt)!,
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
});

/** Creates a key; the secret exists only in this function's return value. */
export async function issueApiKey(db: Db, appId: string, name: string, createdBy: string | null) {
  const secret = `sk_${randomToken(40)}`;
  const row = {
    id: newId('apiKey'),
    appId,
    name,
    secretHash: await sha256Hex(secret),
    createdBy,
    createdAt: Date.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await db.insert(apiKeys).values(row);
  return { ...render(row), secret, token: `${row.id}:${secret}` };
}

/** `api_key.created` / `api_key.revoked`, with the key as the API shows it (never the secret). */
async function emitKeyEvent(env: Env, type: 'api_key.created' | 'api_key.revoked', key: ReturnType<typeof render>) {
  await emitEvent(env, { appId: key.app_id, type, objectType: 'api_key', objectId: key.id, data: key });
}

/** Drops the secret from a freshly issued key before it goes into an event. */
const withoutSecret = ({ secret: _s, token: _t, ...key }: Awaited<ReturnType<typeof issueApiKey>>) => key;

async function findKey(db: Db, appId: string, keyId: string) {
  const k =
    isIdOf('apiKey', keyId) &&
    (await db.query.apiKeys.findFirst({ where: and(eq(apiKeys.id, keyId), eq(apiKeys.appId, appId)) }));
  if (!k) throw notFound('API key');
  return k;
}

const tags = ['API keys'];
const KeyParam = idParam('key_id', 'key_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'List API keys (never their secrets)',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(ApiKey)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create an API key; the secret is shown once',
  request: jsonBody(z.object({ name: z.string().trim().min(1).max(100) }).strict()),
  responses: { 201: json(ApiKeyWithSecret), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{key_id}',
  tags,
  summary: 'Get an API key',
  request: { params: KeyParam },
  responses: { 200: json(ApiKey), ...commonErrors },
});
const revoke = createRoute({
  method: 'delete',
  path: '/{key_id}',
  tags,
  summary: 'Revoke an API key',
  request: { params: KeyParam },
  responses: { 200: json(ApiKey), ...commonErrors },
});
const rotate = createRoute({
  method: 'post',
  path: '/{key_id}/rotate',
  tags,
  summary: 'Replace a key with a new one of the same name (the old one is revoked)',
  request: { params: KeyParam },
  responses: { 201: json(ApiKeyWithSecret), ...commonErrors },
});

export const apiKeyRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = keyset(apiKeys.createdAt, apiKeys.id, cursor);
    const rows = await c
      .get('db')
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.appId, c.get('scope').appId!), page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    return c.json(pageOf(rows, limit, render), 200);
  })
  .openapi(create, async (c) => {
    const key = await issueApiKey(c.get('db'), c.get('scope').appId!, c.req.valid('json').name, c.get('actor')!.id);
    c.set('audit', { action: 'api_key.create', resourceType: 'api_key', resourceId: key.id });
    await emitKeyEvent(c.env, 'api_key.created', withoutSecret(key));
    return c.json(key, 201);
  })
  .openapi(get, async (c) =>
    c.json(render(await findKey(c.get('db'), c.get('scope').appId!, c.req.valid('param').key_id)), 200),
  )
  .openapi(revoke, async (c) => {
    const { key_id } = c.req.valid('param');
    c.set('audit', { action: 'api_key.revoke', resourceType: 'api_key', resourceId: key_id });
    const db = c.get('db');
    const k = await findKey(db, c.get('scope').appId!, key_id);
    const [row] = await db
      .update(apiKeys)
      .set({ revokedAt: k.revokedAt ?? Date.now() })
      .where(eq(apiKeys.id, k.id))
      .returning();
    // Revoking twice is idempotent and tells nobody anything new.
    if (!k.revokedAt) await emitKeyEvent(c.env, 'api_key.revoked', render(row!));
    return c.json(render(row!), 200);
  })
  .openapi(rotate, async (c) => {
    const { key_id } = c.req.valid('param');
    c.set('audit', { action: 'api_key.rotate', resourceType: 'api_key', resourceId: key_id });
    const db = c.get('db');
    const appId = c.get('scope').appId!;
    const old = await findKey(db, appId, key_id);
    if (old.revokedAt) throw notFound('active API key');
    const [revoked] = await db
      .update(apiKeys)
      .set({ revokedAt: Date.now() })
      .where(and(eq(apiKeys.id, old.id), isNull(apiKeys.revokedAt)))
      .returning();
    const key = await issueApiKey(db, appId, old.name, c.get('actor')!.id);
    if (revoked) await emitKeyEvent(c.env, 'api_key.revoked', render(revoked));
    await emitKeyEvent(c.env, 'api_key.created', withoutSecret(key));
    return c.json(key, 201);
  });
