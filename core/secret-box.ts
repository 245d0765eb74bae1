/**
 * Secrets we must read back (stream keys, webhook signing secrets) are stored encrypted, so a D1
 * export or backup holds no credential. AES-256-GCM through WebCrypto under a key derived from
 * the Worker secret DATA_ENCRYPTION_KEY; each value gets a fresh 96-bit IV. The stored form is
 * `enc:v1:<iv>.<ciphertext>` (base64url): the version says how to open it, so a later scheme (or
 * a rotated key) can live beside this one while rows are re-sealed.
 *
 * A value without the prefix is a row written before encryption existed; `openSecret` returns it
 * as-is, and whoever touches it next re-seals it (see `sealLegacyRows` in core/events-sweeper.ts).
 */
import { fromBase64Url, toBase64Url } from './crypto';

export const SEALED_PREFIX = 'enc:v1:';

/** What a sealed value is for, bound in as additional data: a stream key cannot pass as a webhook secret. */
export type SecretPurpose = 'stream_key' | 'webhook_secret' | 'simulcast_key' | 'chat_connector_token';

export interface SecretBoxEnv {
  DATA_ENCRYPTION_KEY: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
/** Derived keys per isolate: deriving costs more than encrypting a short string. */
const derived = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  if (!secret) throw new Error('DATA_ENCRYPTION_KEY is not set (wrangler secret put DATA_ENCRYPTION_KEY).');
  let key = derived.get(secret);
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey('raw', enc.encode(secret), 'HKDF', false, ['deriveKey']);
      return crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: enc.encode('edgelive:secret-box:v1') },
        base,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      );
    })();
    derived.set(secret, key);
  }
  return key;
}

export const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);

export async function sealSecret(env: SecretBoxEnv, purpose: SecretPurpose, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: enc.encode(purpose) },
    await keyFor(env.DATA_ENCRYPTION_KEY),
    enc.encode(plaintext),
  );
  return `${SEALED_PREFIX}${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

/** The plaintext of a stored value; throws if it was sealed under another key or altered. */
export async function openSecret(env: SecretBoxEnv, purpose: SecretPurpose, stored: string): Promise<string> {
  if (!isSealed(stored)) return stored;
  const [iv, ct] = stored.slice(SEALED_PREFIX.length).split('.');
  if (!iv || !ct) throw new Error('A sealed secret is malformed.');
  const pt = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: enc.encode(purpose) },
    await keyFor(env.DATA_ENCRYPTION_KEY),
    fromBase64Url(ct),
  );
  return dec.decode(pt);
}

/** `openSecret` for nullable columns. */
export const openOptional = async (env: SecretBoxEnv, purpose: SecretPurpose, stored: string | null) =>
  stored === null ? null : openSecret(env, purpose, stored);
