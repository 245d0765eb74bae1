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
import { isIdOf } from '../../core/ids';
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
 * Imported public keys, per isolate. Importing a PEM costs far more than verifying with it, but a
 * key deleted in another isolate (or straight in D1) must stop working everywhere soon: entries
 * live at most `ttlMs`. Unknown kids are remembered too (`missTtlMs`), so a flood of random kids
 * costs one D1 read per kid and minute, not one per request. The clock is a field so a test can
 * step past the lifetime.
 */
export class SigningKeyCache {
  private readonly entries = new Map<string, { value: CachedKey | null; until: number }>();

  constructor(
    readonly ttlMs = 60_000,
    readonly missTtlMs = 60_000,
    readonly max = 5000,
    public now: () => number = Date.now,
  ) {}

  /** The cached answer (a key, or null for "no such key"), or undefined when D1 must be asked. */
  get(kid: string): CachedKey | null | undefined {
    const hit = this.entries.get(kid);
    if (!hit) return undefined;
    if (hit.until > this.now()) return hit.value;
    this.entries.delete(kid);
    return undefined;
  }

  set(kid: string, value: CachedKey | null) {
    this.entries.delete(kid);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(kid, { value, until: this.now() + (value ? this.ttlMs : this.missTtlMs) });
  }

  forget(kid: string) {
    this.entries.delete(kid);
  }
}

export const signingKeyCache = new SigningKeyCache();

/** A key deleted through the API stops at once in this isolate; elsewhere within the cache lifetime. */
export function forgetSigningKey(id: string) {
  signingKeyCache.forget(id);
}

async function loadKey(db: Db, kid: string): Promise<CachedKey | null> {
  const hit = signingKeyCache.get(kid);
  if (hit !== undefined) return hit;
  // Not even the shape of one of our ids: no D1 read, and nothing to remember.
  if (!isIdOf('signingKey', kid)) return null;
  const row = await db.query.signingKeys.findFirst({ where: eq(signingKeys.id, kid) });
  const entry = row ? { appId: row.appId, key: await importSPKI(row.publicKey, row.algorithm) } : null;
  signingKeyCache.set(kid, entry);
  return entry;
}

/** Clocks of customers' servers and viewers' devices drift; this much either way is forgiven. */
export const CLOCK_TOLERANCE_S = 30;
/** A viewer token opens things for at most this long (counted from `iat`, or from now without one). */
export const MAX_TOKEN_LIFETIME_S = 7 * 24 * 3600;

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
  // A deleted key and a stale cache disagree for at most the cache lifetime.
  const key = await loadKey(db, kid);
  if (!key) throw new TokenError('unknown_key', 'The token was signed with an unknown or deleted signing key.');
  if (expect.appId && key.appId !== expect.appId) {
    throw new TokenError('wrong_app', 'The token was signed by another app.');
  }
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, key.key, {
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_S,
    }));
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
  const from = typeof claims.iat === 'number' ? claims.iat : Math.floor(Date.now() / 1000);
  if (Number(claims.exp) - from > MAX_TOKEN_LIFETIME_S + CLOCK_TOLERANCE_S) {
    throw new TokenError('token_malformed', `A token may live at most ${MAX_TOKEN_LIFETIME_S / 86400} days (exp).`);
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
