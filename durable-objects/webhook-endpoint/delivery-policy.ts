/**
 * How hard we try. Retries follow min(5 s x 3^(n-1), 10 h) after the n-th failure, with +/-10%
 * jitter so endpoints that failed together do not all come back at the same instant: 5 s, 15 s,
 * 45 s, 2.3 min, 6.8 min, 20 min, 1 h, 3 h, 9.1 h, 10 h. That is 11 attempts over about 23.7 hours,
 * like Mux's "retries for up to 24 hours".
 */
export const FIRST_RETRY_MS = 5_000;
export const RETRY_FACTOR = 3;
export const MAX_RETRY_DELAY_MS = 10 * 3600_000;
export const MAX_RETRIES = 10;
/** An endpoint whose every attempt has failed for this long is disabled (Svix does the same). */
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Attempts in flight at once per endpoint: enough to keep up, few enough not to flood a receiver. */
export const CONCURRENCY = 16;

/** The unscaled, unjittered delay after the n-th failed attempt, or null when we give up. */
export function retryDelayMs(failedAttempts: number): number | null {
  if (failedAttempts < 1 || failedAttempts > MAX_RETRIES) return null;
  return Math.min(FIRST_RETRY_MS * RETRY_FACTOR ** (failedAttempts - 1), MAX_RETRY_DELAY_MS);
}

export interface DeliverySettings {
  /** Multiplies every delay and the disabling threshold; 1 in production. */
  scale: number;
  timeoutMs: number;
}

export interface DeliveryEnv {
  ENVIRONMENT: string;
  WEBHOOK_BACKOFF_SCALE?: string;
  WEBHOOK_TIMEOUT_MS?: string;
}

/**
 * Development and tests may shrink the schedule (WEBHOOK_BACKOFF_SCALE=0.001 turns a day of
 * retries into about 85 seconds) and the per-attempt timeout; production always uses the real ones
 * so a stray variable cannot turn a day of retries into a minute.
 */
export function deliverySettings(env: DeliveryEnv): DeliverySettings {
  if (env.ENVIRONMENT === 'production') return { scale: 1, timeoutMs: DEFAULT_TIMEOUT_MS };
  const scale = Number(env.WEBHOOK_BACKOFF_SCALE ?? '1');
  const timeoutMs = Number(env.WEBHOOK_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);
  return {
    scale: Number.isFinite(scale) && scale > 0 ? scale : 1,
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS,
  };
}

/** The delay before the next attempt after `failedAttempts` failures, scaled and jittered. */
export function nextRetryDelay(
  failedAttempts: number,
  s: DeliverySettings,
  random: () => number = Math.random,
): number | null {
  const base = retryDelayMs(failedAttempts);
  if (base === null) return null;
  return Math.round(base * s.scale * (0.9 + 0.2 * random()));
}

export const disableAfterMs = (s: DeliverySettings) => DISABLE_AFTER_MS * s.scale;
