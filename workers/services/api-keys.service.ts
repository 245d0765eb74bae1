import { and, eq, isNull } from 'drizzle-orm';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { apiKeys } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { newId, randomToken } from '../../core/ids';
import { notFound } from '../lib/errors';
import { type ApiKeyRow, renderApiKey } from '../routes/api-keys.schema';
import { findInApp, pageInApp } from './app-rows';

/** `api_key.created` / `api_key.revoked`, with the key as the API shows it (never the secret). */
async function emitKeyEvent(env: Env, type: 'api_key.created' | 'api_key.revoked', row: ApiKeyRow) {
  await emitEvent(env, { appId: row.appId, type, objectType: 'api_key', objectId: row.id, data: renderApiKey(row) });
}

/** Creates a key; the secret exists only in this function's return value. */
export interface KeyLimits {
  scopes: string[];
  rateLimit: number | null;
}

async function insertKey(db: Db, appId: string, name: string, createdBy: string | null, limits: KeyLimits) {
  const secret = `sk_${randomToken(40)}`;
  const row: ApiKeyRow = {
    id: newId('apiKey'),
    appId,
    name,
    secretHash: await sha256Hex(secret),
    scopes: limits.scopes,
    rateLimit: limits.rateLimit,
    createdBy,
    createdAt: Date.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await db.insert(apiKeys).values(row);
  return { ...renderApiKey(row), secret, token: `${row.id}:${secret}`, row };
}

export const findApiKey = (db: Db, appId: string, keyId: string): Promise<ApiKeyRow> =>
  findInApp(db, apiKeys, 'apiKey', 'API key', appId, keyId);

export const listApiKeys = (db: Db, appId: string, q: { limit: number; cursor?: string }) =>
  pageInApp(db, apiKeys, appId, q);

export async function createApiKey(
  db: Db,
  env: Env,
  appId: string,
  name: string,
  createdBy: string,
  limits: KeyLimits = { scopes: ['*'], rateLimit: null },
) {
  const { row, ...key } = await insertKey(db, appId, name, createdBy, limits);
  await emitKeyEvent(env, 'api_key.created', row);
  return key;
}

export async function revokeApiKey(db: Db, env: Env, k: ApiKeyRow): Promise<ApiKeyRow> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: k.revokedAt ?? Date.now() })
    .where(eq(apiKeys.id, k.id))
    .returning();
  // Revoking twice is idempotent and tells nobody anything new.
  if (!k.revokedAt) await emitKeyEvent(env, 'api_key.revoked', row!);
  return row!;
}

/** Revokes the key and issues another of the same name; a key revoked already is a 404. */
export async function rotateApiKey(db: Db, env: Env, old: ApiKeyRow, createdBy: string) {
  if (old.revokedAt) throw notFound('active API key');
  const [revoked] = await db
    .update(apiKeys)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiKeys.id, old.id), isNull(apiKeys.revokedAt)))
    .returning();
  // The new key can do exactly what the old one could.
  const { row, ...key } = await insertKey(db, old.appId, old.name, createdBy, {
    scopes: old.scopes,
    rateLimit: old.rateLimit,
  });
  if (revoked) await emitKeyEvent(env, 'api_key.revoked', revoked);
  await emitKeyEvent(env, 'api_key.created', row);
  return key;
}
