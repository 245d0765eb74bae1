/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 keyed with the base64-decoded part of
 * the secret after `whsec_`, sent as `v1,<base64>`. Several signatures are space-separated, which
 * is how both the old and the new secret sign during a rotation's overlap.
 */
import { WEBHOOK_SECRET_PREFIX } from '../../core/webhook-endpoints';

export { newWebhookSecret } from '../../core/webhook-endpoints';

const enc = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
}

export async function signV1(secret: string, msgId: string, timestampSeconds: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    fromBase64(secret.slice(WEBHOOK_SECRET_PREFIX.length)),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, enc.encode(`${msgId}.${timestampSeconds}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

/** The `webhook-signature` header value: one `v1,` signature per secret, newest first. */
export async function signatureHeader(
  secrets: readonly string[],
  msgId: string,
  timestampSeconds: number,
  body: string,
) {
  const sigs = await Promise.all(secrets.map((s) => signV1(s, msgId, timestampSeconds, body)));
  return sigs.join(' ');
}
