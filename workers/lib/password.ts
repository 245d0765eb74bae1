import { fromBase64Url, timingSafeEqual, toBase64Url } from '../../core/crypto';

/**
 * Password hashing with PBKDF2-SHA256 through WebCrypto.
 *
 * Production Workers refuse more than 100,000 iterations in one deriveBits call (local workerd
 * and Node accept more), so we never ask for more than PER_CALL_ITERATIONS at once and reach a
 * stronger total by chaining rounds: each round's output is the next round's salt. The stored
 * string names the scheme, the per-call count and the number of rounds, so the cost can be raised
 * later without breaking existing hashes:
 *
 *   pbkdf2-sha256-chain$<perCall>$<rounds>$<salt b64url>$<hash b64url>
 */
export const PER_CALL_ITERATIONS = 100_000;
export const DEFAULT_ROUNDS = 3;
const SCHEME = 'pbkdf2-sha256-chain';

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  if (iterations > PER_CALL_ITERATIONS) {
    // Fail loudly in every runtime, not just in production where it would otherwise first show.
    throw new Error(`PBKDF2 call of ${iterations} iterations exceeds the Workers limit`);
  }
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

async function chain(password: string, salt: Uint8Array, perCall: number, rounds: number): Promise<Uint8Array> {
  let out = salt;
  for (let i = 0; i < rounds; i++) out = await derive(password, out, perCall);
  return out;
}

export async function hashPassword(
  password: string,
  { perCall = PER_CALL_ITERATIONS, rounds = DEFAULT_ROUNDS } = {},
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await chain(password, salt, perCall, rounds);
  return [SCHEME, perCall, rounds, toBase64Url(salt), toBase64Url(hash)].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, perCallS, roundsS, saltS, hashS] = stored.split('$');
  const perCall = Number(perCallS);
  const rounds = Number(roundsS);
  if (scheme !== SCHEME || !saltS || !hashS || !Number.isInteger(perCall) || !Number.isInteger(rounds)) {
    return false;
  }
  const hash = await chain(password, fromBase64Url(saltS), perCall, rounds);
  return timingSafeEqual(toBase64Url(hash), hashS);
}
