import { createHmac } from 'node:crypto';

/**
 * The origin's request signature (docs/origin-protocol.md, "Authentication"): HMAC-SHA256 keyed by
 * the origin secret over `<ts>\n<METHOD>\n<path with query>`, base64url without padding.
 * Bodies are not signed: segments are large and the path names everything that matters.
 */
export function signOriginRequest(secret: string, ts: number, method: string, pathWithQuery: string): string {
  return createHmac('sha256', secret).update(`${ts}\n${method.toUpperCase()}\n${pathWithQuery}`).digest('base64url');
}

export function originAuthorization(
  originId: string,
  secret: string,
  method: string,
  pathWithQuery: string,
  now: Date = new Date(),
): string {
  const ts = Math.floor(now.getTime() / 1000);
  return `EdgeliveOrigin id=${originId},ts=${ts},sig=${signOriginRequest(secret, ts, method, pathWithQuery)}`;
}
