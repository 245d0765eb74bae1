import { and, eq, isNull } from 'drizzle-orm';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { sha256Hex, timingSafeEqual } from '../../core/crypto';
import { apiKeys, sessions } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import type { Actor, AppEnv } from '../env';
import { ApiError, unauthorized } from '../lib/errors';
import { readSession, SESSION_COOKIE } from '../lib/session';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** All a view-as session may do besides reading: leave. */
const VIEW_AS_WRITES = new Set(['/v1/auth/view-as/end', '/v1/auth/logout']);

/** Only refresh `last_used_at` this often, so a busy key does not write D1 on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

function credentialsFrom(header: string | undefined, cookie: string | undefined) {
  if (header) {
    const [scheme, value = ''] = header.split(/\s+/, 2);
    if (scheme?.toLowerCase() === 'bearer') {
      return value.includes(':') ? { kind: 'key' as const, pair: value } : { kind: 'session' as const, token: value };
    }
    if (scheme?.toLowerCase() === 'basic') {
      try {
        return { kind: 'key' as const, pair: atob(value) };
      } catch {
        throw unauthorized('The Basic credentials are not valid base64.');
      }
    }
    throw unauthorized('Unsupported Authorization scheme; use Bearer or Basic.');
  }
  if (cookie) return { kind: 'session' as const, token: cookie };
  return null;
}

/**
 * Works out who is calling (API key or console session) and sets `actor`; null when nobody.
 * Presented-but-bad credentials are a 401 here, so no route ever runs with a half-valid caller.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const creds = credentialsFrom(c.req.header('authorization'), getCookie(c, SESSION_COOKIE));
  let actor: Actor | null = null;
  const db = c.get('db');
  if (creds?.kind === 'key') {
    const sep = creds.pair.indexOf(':');
    const keyId = creds.pair.slice(0, sep);
    const secret = creds.pair.slice(sep + 1);
    if (!isIdOf('apiKey', keyId) || !secret) throw unauthorized('Malformed API key; expected <key_id>:<secret>.');
    const row = await db.query.apiKeys.findFirst({ where: and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)) });
    if (!row || !timingSafeEqual(row.secretHash, await sha256Hex(secret))) {
      throw unauthorized('The API key is unknown, revoked, or its secret is wrong.');
    }
    const t = Date.now();
    if (!row.lastUsedAt || t - row.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      c.executionCtx.waitUntil(db.update(apiKeys).set({ lastUsedAt: t }).where(eq(apiKeys.id, keyId)).run());
    }
    actor = { type: 'api_key', id: keyId, appId: row.appId, scopes: row.scopes, rateLimit: row.rateLimit };
  } else if (creds?.kind === 'session') {
    const s = await readSession(c.env.SESSION_SECRET, creds.token);
    const row = s && (await db.query.sessions.findFirst({ where: eq(sessions.id, s.sessionId) }));
    if (!s || !row || row.revokedAt || row.expiresAt < Date.now() || row.userId !== s.userId) {
      throw unauthorized('The session is invalid or has ended; sign in again.');
    }
    if (row.viewAsBy && !READS.has(c.req.method) && !VIEW_AS_WRITES.has(c.req.path)) {
      throw new ApiError(403, 'read_only_session', 'This is a read-only "view as" session; end it to make changes.');
    }
    actor = row.viewAsBy
      ? { type: 'user', id: s.userId, sessionId: s.sessionId, viewAsBy: row.viewAsBy }
      : { type: 'user', id: s.userId, sessionId: s.sessionId };
  }
  c.set('actor', actor);
  await next();
});
