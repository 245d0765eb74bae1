import { hmacSha256, toBase64Url } from '../../core/crypto';

/**
 * Origin request signatures (docs/origin-protocol.md):
 * `Authorization: EdgeliveOrigin id=<origin_id>,ts=<unix seconds>,sig=<base64url HMAC-SHA256>`
 * over `<ts>\n<METHOD>\n<path with query>`. The agent signs the same way.
 */
export const ORIGIN_SCHEME = 'EdgeliveOrigin';
export const MAX_SKEW_S = 300;

export const signedString = (ts: number, method: string, pathWithQuery: string) =>
  `${ts}\n${method.toUpperCase()}\n${pathWithQuery}`;

export async function originSignature(secret: string, ts: number, method: string, pathWithQuery: string) {
  return toBase64Url(await hmacSha256(secret, signedString(ts, method, pathWithQuery)));
}

export async function originAuthorization(
  originId: string,
  secret: string,
  method: string,
  pathWithQuery: string,
  ts = Math.floor(Date.now() / 1000),
) {
  return `${ORIGIN_SCHEME} id=${originId},ts=${ts},sig=${await originSignature(secret, ts, method, pathWithQuery)}`;
}

export interface OriginCredentials {
  id: string;
  ts: number;
  sig: string;
}

export function parseOriginAuthorization(header: string | undefined): OriginCredentials | null {
  const m = /^EdgeliveOrigin\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!m) return null;
  const fields = new Map<string, string>();
  for (const part of m[1]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const id = fields.get('id');
  const ts = fields.get('ts');
  const sig = fields.get('sig');
  if (!id || !ts || !sig || !/^\d{1,12}$/.test(ts)) return null;
  return { id, ts: Number(ts), sig };
}
