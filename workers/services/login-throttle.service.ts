import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { loginThrottle } from '../../core/db/schema/index';
import { ApiError } from '../lib/errors';

/**
 * Sign-in attempts are counted per client address and per account within a window, each by one
 * D1 statement that increments and returns the count *before* the password is verified: parallel
 * guesses each get their own number, so at most LOCK_AFTER of them ever reach verification. Past
 * SLOW_AFTER each further attempt is delayed; past LOCK_AFTER the key is refused with 429 and
 * Retry-After until the lock ends. A success clears the account's count and refunds the address's.
 *
 * The address is counted first: a locked address adds nothing to the account. And the account's
 * lock does not apply to an address that has signed in to it before, so nobody can lock a victim
 * out from elsewhere; guesses from new addresses still meet the account's lock.
 */
export const WINDOW_MS = 15 * 60_000;
export const SLOW_AFTER = 3;
export const LOCK_AFTER = 8;
export const LOCK_MS = 15 * 60_000;
/** How long a successful sign-in makes its address "known" to the account. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;
const DELAY_STEP_MS = 250;

const ipKey = (ip: string | null) => `ip:${ip ?? 'unknown'}`;
const emailKey = (email: string) => `email:${email.toLowerCase()}`;
const knownKey = (email: string, ip: string | null) => `known:${email.toLowerCase()}|${ip ?? 'unknown'}`;

/** Counts one attempt on `key`; returns the count, and the lock's end when the key is locked. */
async function countAttempt(db: Db, key: string, now: number) {
  const t = loginThrottle;
  const locked = sql`coalesce(${t.lockedUntil} > ${now}, 0)`;
  // A window that ran out, or a lock that ended, starts the count afresh.
  const fresh = sql`(${t.windowStart} <= ${now - WINDOW_MS} OR coalesce(${t.lockedUntil} <= ${now}, 0))`;
  const [row] = await db
    .insert(t)
    .values({ key, failures: 1, windowStart: now, lockedUntil: null })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        failures: sql`CASE WHEN ${locked} THEN ${t.failures} WHEN ${fresh} THEN 1 ELSE ${t.failures} + 1 END`,
        windowStart: sql`CASE WHEN ${locked} THEN ${t.windowStart} WHEN ${fresh} THEN ${now} ELSE ${t.windowStart} END`,
        lockedUntil: sql`CASE WHEN ${locked} THEN ${t.lockedUntil} WHEN NOT ${fresh} AND ${t.failures} + 1 > ${LOCK_AFTER} THEN ${now + LOCK_MS} ELSE NULL END`,
      },
    })
    .returning({ failures: t.failures, lockedUntil: t.lockedUntil });
  return row!;
}

function tooMany(lockedUntil: number, now: number): never {
  const retry = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  throw new ApiError(
    429,
    'too_many_attempts',
    'Too many failed sign-ins; try again later.',
    { retry_after: retry },
    { 'Retry-After': String(retry) },
  );
}

/**
 * Counts this attempt before anything is verified: throws 429 when the address or the account is
 * locked, otherwise waits out the delay the earlier attempts earned.
 */
export async function admitLoginAttempt(db: Db, ip: string | null, email: string) {
  const now = Date.now();
  const byIp = await countAttempt(db, ipKey(ip), now);
  if (byIp.lockedUntil) tooMany(byIp.lockedUntil, now);
  let count = byIp.failures;
  const known = await db.query.loginThrottle.findFirst({ where: eq(loginThrottle.key, knownKey(email, ip)) });
  if (!known || known.windowStart < now - KNOWN_ADDRESS_MS) {
    const byAccount = await countAttempt(db, emailKey(email), now);
    if (byAccount.lockedUntil) tooMany(byAccount.lockedUntil, now);
    count = Math.max(count, byAccount.failures);
  }
  // The count includes this attempt; the delay is earned by the ones before it.
  const delay = (count - 1 - SLOW_AFTER) * DELAY_STEP_MS;
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
}

/** A correct password: the account starts afresh, the address gets its attempt back and is known. */
export async function recordLoginSuccess(db: Db, ip: string | null, email: string) {
  const now = Date.now();
  await db.batch([
    db.delete(loginThrottle).where(eq(loginThrottle.key, emailKey(email))),
    db
      .update(loginThrottle)
      .set({ failures: sql`max(${loginThrottle.failures} - 1, 0)` })
      .where(eq(loginThrottle.key, ipKey(ip))),
    rememberAddress(db, ip, email, now),
  ]);
}

/** Registering from an address makes it known too: the account's owner was there. */
export function rememberAddress(db: Db, ip: string | null, email: string, now = Date.now()) {
  const row = { key: knownKey(email, ip), failures: 0, windowStart: now, lockedUntil: null };
  return db.insert(loginThrottle).values(row).onConflictDoUpdate({ target: loginThrottle.key, set: row });
}
