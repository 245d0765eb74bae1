import { sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { rateLimits } from '../../core/db/schema/index';
import type { Env } from '../../core/env';

/**
 * Request limits per API key and per address, behind one interface with two counters:
 * - the Workers Rate Limiting binding (`API_RATE_LIMITER`), in a deployment that declares one:
 *   cheap and global, but it only says yes or no, so `remaining` is unknown;
 * - otherwise a fixed one-minute window counted in D1 by one UPSERT (exact, so the answer carries
 *   `RateLimit-Remaining`), which is what runs locally and in tests.
 */
export const WINDOW_SECONDS = 60;

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** null when the counter cannot say (the binding). */
  remaining: number | null;
  /** Seconds until the window ends. */
  resetSeconds: number;
  /** Requests counted in this window, this one included (the D1 counter knows; the binding does not). */
  count?: number;
}

export interface RateLimiter {
  hit(key: string, limit: number): Promise<RateDecision>;
}

export function d1Limiter(db: Db): RateLimiter {
  return {
    async hit(key, limit) {
      const now = Date.now();
      const windowStart = now - (now % (WINDOW_SECONDS * 1000));
      // One statement counts and answers, so parallel requests each see their own number.
      const [row] = await db
        .insert(rateLimits)
        .values({ key, windowStart, count: 1 })
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`CASE WHEN ${rateLimits.windowStart} = excluded.window_start THEN ${rateLimits.count} + 1 ELSE 1 END`,
            windowStart: sql`excluded.window_start`,
          },
        })
        .returning({ count: rateLimits.count });
      const count = row?.count ?? 1;
      return {
        allowed: count <= limit,
        limit,
        count,
        remaining: Math.max(0, limit - count),
        resetSeconds: Math.ceil((windowStart + WINDOW_SECONDS * 1000 - now) / 1000),
      };
    },
  };
}

/** The binding's limit and period are set in wrangler config; `limit` here only labels the headers. */
export function bindingLimiter(binding: RateLimit): RateLimiter {
  return {
    async hit(key, limit) {
      const { success } = await binding.limit({ key });
      return { allowed: success, limit, remaining: null, resetSeconds: WINDOW_SECONDS };
    },
  };
}

export const limiterFor = (db: Db, env: Env): RateLimiter =>
  env.API_RATE_LIMITER ? bindingLimiter(env.API_RATE_LIMITER) : d1Limiter(db);

const positive = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
export const keyLimitOf = (env: Env, own: number | null) => own ?? positive(env.API_RATE_LIMIT_PER_MINUTE, 600);
export const anonLimitOf = (env: Env) => positive(env.ANON_RATE_LIMIT_PER_MINUTE, 120);
