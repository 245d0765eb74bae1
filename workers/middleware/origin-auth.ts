import { MAX_SKEW_S, originSignature, parseOriginAuthorization } from '@edgelive/shared/origin-protocol';
import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from '../../core/crypto';
import type { Env } from '../../core/env';
import { DEV_SECRET_PREFIX } from '../lib/dev-secrets';
import { ApiError, unauthorized } from '../lib/errors';

export interface OriginEnv {
  Bindings: Env;
  Variables: { originId: string };
}

export function originSecrets(env: Env): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.ORIGIN_SECRETS ?? '{}');
  } catch {
    throw new ApiError(503, 'origins_not_configured', 'ORIGIN_SECRETS is not a JSON object of origin ids to secrets.');
  }
  const out = new Map<string, string>();
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    for (const [id, secret] of Object.entries(parsed)) {
      if (typeof secret !== 'string' || secret.length < 16) continue;
      if (env.ENVIRONMENT === 'production' && secret.startsWith(DEV_SECRET_PREFIX)) continue;
      out.set(id, secret);
    }
  }
  return out;
}

/**
 * Authenticates a media origin by its HMAC signature and sets `originId`. Every refusal is the
 * same 401 to the caller (the reason goes in the message only, never a secret).
 */
export const originAuth = createMiddleware<OriginEnv>(async (c, next) => {
  const creds = parseOriginAuthorization(c.req.header('authorization'));
  if (!creds)
    throw unauthorized('Expected Authorization: EdgeliveOrigin id=<origin_id>,ts=<unix seconds>,sig=<signature>.');
  const secret = originSecrets(c.env).get(creds.id);
  if (!secret) throw unauthorized('Unknown origin id.');
  if (Math.abs(Math.floor(Date.now() / 1000) - creds.ts) > MAX_SKEW_S) {
    throw unauthorized(`The signature timestamp is more than ${MAX_SKEW_S} s away from our clock.`);
  }
  const url = new URL(c.req.url);
  const expected = await originSignature(secret, creds.ts, c.req.method, url.pathname + url.search);
  if (!timingSafeEqual(expected, creds.sig)) throw unauthorized('Bad origin signature.');
  c.set('originId', creds.id);
  await next();
});
