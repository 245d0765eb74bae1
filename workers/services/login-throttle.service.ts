import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { loginThrottle } from '../../core/db/schema/index';
import { ApiError } from '../lib/errors';

/**
 * Failed sign-ins are counted per client address and per account within a window. Past
 * SLOW_AFTER failures each further attempt is delayed (brute force gets slow); at LOCK_AFTER the
 * key is refused with 429 and Retry-After until the lock ends. A success clears the account key.
 */
export const WINDOW_MS = 15 * 60_000;
export const SLOW_AFTER = 3;
export const LOCK_AFTER = 8;
export const LOCK_MS = 15 * 60_000;
const DELAY_STEP_MS = 250;

const keysFor = (ip: string | null, email: string) => [`ip:${ip ?? 'unknown'}`, `email:${email.toLowerCase()}`];

/** Throws 429 when either key is locked; otherwise waits out the delay the failures earned. */
export async function checkLoginAllowed(db: Db, ip: string | null, email: string) {
  const t = Date.now();
  const rows = await db
    .select()
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, keysFor(ip, email)));
  let delay = 0;
  for (const r of rows) {
    if (r.lockedUntil && r.lockedUntil > t) {
      const retry = Math.ceil((r.lockedUntil - t) / 1000);
      throw new ApiError(
        429,
        'too_many_attempts',
        'Too many failed sign-ins; try again later.',
        { retry_after: retry },
        {
          'Retry-After': String(retry),
        },
      );
    }
    if (t - r.windowStart < WINDOW_MS && r.failures > SLOW_AFTER) {
      delay = Math.max(delay, (r.failures - SLOW_AFTER) * DELAY_STEP_MS);
    }
  }
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
}

export async function recordLoginFailure(db: Db, ip: string | null, email: string) {
  const t = Date.now();
  for (const key of keysFor(ip, email)) {
    const r = await db.query.loginThrottle.findFirst({ where: eq(loginThrottle.key, key) });
    const fresh = !r || t - r.windowStart >= WINDOW_MS;
    const failures = fresh ? 1 : r.failures + 1;
    const row = {
      key,
      failures,
      windowStart: fresh ? t : r.windowStart,
      lockedUntil: failures >= LOCK_AFTER ? t + LOCK_MS : null,
    };
    await db.insert(loginThrottle).values(row).onConflictDoUpdate({ target: loginThrottle.key, set: row });
  }
}

export async function clearLoginFailures(db: Db, email: string) {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, `email:${email.toLowerCase()}`));
}
