import { fromBase64Url, toBase64Url } from './crypto';

/**
 * Secrets we must hand back to ourselves later (a simulcast target's stream key for a third-party
 * service), sealed at rest with AES-256-GCM. The key is derived with HKDF from a Worker secret and
 * a purpose string, so one secret can seal several kinds of thing without their ciphertexts being
 * interchangeable. A sealed value is `v1.<iv>.<ciphertext>` in base64url; the row id is bound in
 * as additional data, so a sealed key copied onto another row does not open.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();

async function keyFor(secret: string, purpose: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', enc.encode(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: enc.encode(`edgelive:${purpose}`) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function sealSecret(secret: string, purpose: string, boundTo: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: enc.encode(boundTo) },
    await keyFor(secret, purpose),
    enc.encode(plain),
  );
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

/** The plain value, or null when it does not open (wrong secret, wrong row, tampered). */
export async function openSecret(
  secret: string,
  purpose: string,
  boundTo: string,
  sealed: string,
): Promise<string | null> {
  const [v, iv, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !ct) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: enc.encode(boundTo) },
      await keyFor(secret, purpose),
      fromBase64Url(ct),
    );
    return dec.decode(plain);
  } catch {
    return null;
  }
}
