import { eq } from 'drizzle-orm';
import {
  type CryptoKey,
  decodeProtectedHeader,
  importSPKI,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { Db } from '../../core/db/client';
import { signingKeys } from '../../core/db/schema/index';
import { ApiError } from '../lib/errors';

/**
 * The one verifier for customer-signed viewer tokens (playback `v`/`t`, chat `chat`), shaped like
 * Mux's: header `kid` names one of the app's signing keys, `sub` is the playback id or user id
 * (with a `playback_id` claim, `sub` is the user and the claim names what it plays),
 * `aud` says what it opens, `exp` is required.
 */
export type Audience = 'v' | 't' | 'chat';

export type TokenErrorCode =
  | 'token_missing'
  | 'token_malformed'
  | 'unknown_key'
  | 'bad_signature'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'wrong_audience'
  | 'wrong_subject'
  | 'wrong_app';

const REFUSED: ReadonlySet<TokenErrorCode> = new Set(['wrong_audience', 'wrong_subject', 'wrong_app']);

/**
 * A refused viewer token is an API error as it stands (the one mapping from token refusals to
 * the envelope): 401 when the caller should bring a (new) token; 403 when this token can never
 * open this. Playback and chat sockets let it propagate to `onError`.
 */
export class TokenError extends ApiError {
  declare readonly code: TokenErrorCode;
  declare readonly status: 401 | 403;
  constructor(code: TokenErrorCode, message: string) {
    super(REFUSED.has(code) ? 403 : 401, code, message);
  }
}

interface CachedKey {
  appId: string;
  key: CryptoKey;
}

/**
 * Imported public keys, per isolate. Importing a PEM costs far more than verifying with it, and
 * keys never change (a deleted key is dropped here and its D1 row is gone).
 */
const keyCache = new Map<string, CachedKey>();
const KEY_CACHE_MAX = 1000;

export function forgetSigningKey(id: string) {
  keyCache.delete(id);
}

async function loadKey(db: Db, kid: string): Promise<CachedKey | null> {
  const hit = keyCache.get(kid);
  if (hit) return hit;
  const row = await db.query.signingKeys.findFirst({ where: eq(signingKeys.id, kid) });
  if (!row) return null;
  const entry = { appId: row.appId, key: await importSPKI(row.publicKey, row.algorithm) };
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(kid, entry);
  return entry;
}

export interface VerifiedToken {
  appId: string;
  kid: string;
  claims: JWTPayload & Record<string, unknown>;
}

export async function verifyViewerToken(
  db: Db,
  token: string | undefined | null,
  expect: { aud: Audience; sub?: string; appId?: string },
): Promise<VerifiedToken> {
  if (!token) throw new TokenError('token_missing', 'A token is required (?token=...).');
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw new TokenError('token_malformed', 'The token is not a JWT.');
  }
  if (!kid) throw new TokenError('token_malformed', 'The token header has no kid.');
  // A deleted key and a stale cache must not disagree for long: the DB is the authority on misses.
  const key = await loadKey(db, kid);
  if (!key) throw new TokenError('unknown_key', 'The token was signed with an unknown or deleted signing key.');
  if (expect.appId && key.appId !== expect.appId) {
    throw new TokenError('wrong_app', 'The token was signed by another app.');
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, key.key, { algorithms: ['RS256'], requiredClaims: ['exp'] }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) throw new TokenError('token_expired', 'The token has expired.');
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf') {
      throw new TokenError('token_not_yet_valid', 'The token is not valid yet (nbf).');
    }
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'exp') {
      throw new TokenError('token_malformed', 'The token has no exp claim; exp is required.');
    }
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw new TokenError('bad_signature', 'The token signature does not match its signing key.');
    }
    throw new TokenError('token_malformed', 'The token could not be verified.');
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(expect.aud)) {
    throw new TokenError('wrong_audience', `The token's aud must be "${expect.aud}".`);
  }
  // A combined token (aud `["v","t","chat"]`) has the viewer's user id as `sub` and names the
  // playback id in `playback_id`; a single-audience playback token has the playback id as `sub`.
  const subject = typeof claims.playback_id === 'string' ? claims.playback_id : claims.sub;
  if (expect.sub !== undefined && subject !== expect.sub) {
    throw new TokenError('wrong_subject', 'The token was issued for another subject.');
  }
  return { appId: key.appId, kid, claims: claims as VerifiedToken['claims'] };
}
