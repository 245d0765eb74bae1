import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import type { Db } from '../../core/db/client';
import { signingKeys } from '../../core/db/schema/index';
import { isIdOf, newId } from '../../core/ids';
import { iso } from '../../core/time';
import { notFound } from '../lib/errors';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { forgetSigningKey } from '../services/tokens.service';

export const SIGNING_ALG = 'RS256';

const SigningKey = z
  .object({
    id: z.string(),
    app_id: z.string(),
    name: z.string(),
    algorithm: z.string(),
    public_key: z.string(),
    created_at: z.string(),
  })
  .openapi('SigningKey');
const SigningKeyWithPrivate = SigningKey.extend({
  private_key: z.string().openapi({ description: 'PKCS#8 PEM. Shown once; we keep only the public key.' }),
  private_key_base64: z.string().openapi({ description: 'The same PEM, base64-encoded (the form Mux hands out).' }),
}).openapi('SigningKeyWithPrivate');

const render = (k: typeof signingKeys.$inferSelect) => ({
  id: k.id,
  app_id: k.appId,
  name: k.name,
  algorithm: k.algorithm,
  public_key: k.publicKey,
  created_at: iso(k.createdAt)!,
});

/** Generates an RSA key pair; only the public half is stored, the private half is returned once. */
export async function issueSigningKey(db: Db, appId: string, name: string) {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
  const pem = await exportPKCS8(privateKey);
  const row = {
    id: newId('signingKey'),
    appId,
    name,
    algorithm: SIGNING_ALG,
    publicKey: await exportSPKI(publicKey),
    createdAt: Date.now(),
  };
  await db.insert(signingKeys).values(row);
  return { ...render(row), private_key: pem, private_key_base64: btoa(pem) };
}

async function findKey(db: Db, appId: string, id: string) {
  const k =
    isIdOf('signingKey', id) &&
    (await db.query.signingKeys.findFirst({ where: and(eq(signingKeys.id, id), eq(signingKeys.appId, appId)) }));
  if (!k) throw notFound('signing key');
  return k;
}

const tags = ['Signing keys'];
const KeyParam = idParam('signing_key_id', 'sk_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'List signing keys (public halves)',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(SigningKey)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a signing key for playback and chat tokens; the private key is shown once',
  request: jsonBody(z.object({ name: z.string().trim().min(1).max(100).optional() }).strict()),
  responses: { 201: json(SigningKeyWithPrivate), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{signing_key_id}',
  tags,
  summary: 'Get a signing key',
  request: { params: KeyParam },
  responses: { 200: json(SigningKey), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{signing_key_id}',
  tags,
  summary: 'Delete a signing key (tokens it signed stop working)',
  request: { params: KeyParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const signingKeyRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = keyset(signingKeys.createdAt, signingKeys.id, cursor);
    const rows = await c
      .get('db')
      .select()
      .from(signingKeys)
      .where(and(eq(signingKeys.appId, c.get('scope').appId), page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    return c.json(pageOf(rows, limit, render), 200);
  })
  .openapi(create, async (c) => {
    const key = await issueSigningKey(c.get('db'), c.get('scope').appId, c.req.valid('json').name ?? 'Signing key');
    c.set('audit', { action: 'signing_key.create', resourceType: 'signing_key', resourceId: key.id });
    return c.json(key, 201);
  })
  .openapi(get, async (c) =>
    c.json(render(await findKey(c.get('db'), c.get('scope').appId, c.req.valid('param').signing_key_id)), 200),
  )
  .openapi(remove, async (c) => {
    const { signing_key_id } = c.req.valid('param');
    c.set('audit', { action: 'signing_key.delete', resourceType: 'signing_key', resourceId: signing_key_id });
    const db = c.get('db');
    const k = await findKey(db, c.get('scope').appId, signing_key_id);
    await db.delete(signingKeys).where(eq(signingKeys.id, k.id));
    forgetSigningKey(k.id);
    return c.body(null, 204);
  });
