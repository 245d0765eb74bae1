import { eq } from 'drizzle-orm';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import type { Db } from '../../core/db/client';
import { signingKeys } from '../../core/db/schema/index';
import { newId } from '../../core/ids';
import { renderSigningKey, type SigningKeyRow } from '../routes/signing-keys.schema';
import { findInApp, pageInApp } from './app-rows';
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

export const findSigningKey = (db: Db, appId: string, id: string): Promise<SigningKeyRow> =>
  findInApp(db, signingKeys, 'signingKey', 'signing key', appId, id);

export const listSigningKeys = (db: Db, appId: string, q: { limit: number; cursor?: string }) =>
  pageInApp(db, signingKeys, appId, q);

export async function deleteSigningKey(db: Db, k: SigningKeyRow) {
  await db.delete(signingKeys).where(eq(signingKeys.id, k.id));
  forgetSigningKey(k.id);
}
