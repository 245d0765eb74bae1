import { and, eq } from 'drizzle-orm';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import type { Db } from '../../core/db/client';
import { signingKeys } from '../../core/db/schema/index';
import { isIdOf, newId } from '../../core/ids';
import { notFound } from '../lib/errors';
import { keyset } from '../lib/pagination';
import { renderSigningKey, type SigningKeyRow } from '../routes/signing-keys.schema';
import { forgetSigningKey } from './tokens.service';

export const SIGNING_ALG = 'RS256';

/** Generates an RSA key pair; only the public half is stored, the private half is returned once. */
export async function issueSigningKey(db: Db, appId: string, name: string) {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true, modulusLength: 2048 });
  const pem = await exportPKCS8(privateKey);
  const row: SigningKeyRow = {
    id: newId('signingKey'),
    appId,
    name,
    algorithm: SIGNING_ALG,
    publicKey: await exportSPKI(publicKey),
    createdAt: Date.now(),
  };
  await db.insert(signingKeys).values(row);
  return { ...renderSigningKey(row), private_key: pem, private_key_base64: btoa(pem) };
}

export async function findSigningKey(db: Db, appId: string, id: string): Promise<SigningKeyRow> {
  const k =
    isIdOf('signingKey', id) &&
    (await db.query.signingKeys.findFirst({ where: and(eq(signingKeys.id, id), eq(signingKeys.appId, appId)) }));
  if (!k) throw notFound('signing key');
  return k;
}

export function listSigningKeys(db: Db, appId: string, q: { limit: number; cursor?: string }) {
  const page = keyset(signingKeys.createdAt, signingKeys.id, q.cursor);
  return db
    .select()
    .from(signingKeys)
    .where(and(eq(signingKeys.appId, appId), page.where))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
}

export async function deleteSigningKey(db: Db, k: SigningKeyRow) {
  await db.delete(signingKeys).where(eq(signingKeys.id, k.id));
  forgetSigningKey(k.id);
}
