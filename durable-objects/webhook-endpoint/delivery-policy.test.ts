import { describe, expect, it } from 'vitest';
import { deliverySettings, disableAfterMs, MAX_RETRIES, nextRetryDelay, retryDelayMs } from './delivery-policy';

const HOUR = 3600_000;

describe('retry schedule', () => {
  it('backs off exponentially for about a day, then gives up', () => {
    const delays = Array.from({ length: MAX_RETRIES }, (_, i) => retryDelayMs(i + 1)!);
    expect(delays.slice(0, 4)).toEqual([5_000, 15_000, 45_000, 135_000]);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(Math.max(...delays)).toBe(10 * HOUR);
    const total = delays.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20 * HOUR);
    expect(total).toBeLessThan(28 * HOUR);
    expect(retryDelayMs(MAX_RETRIES + 1)).toBeNull();
    expect(retryDelayMs(0)).toBeNull();
  });

  it('jitters by at most 10% and scales in development only', () => {
    const prod = deliverySettings({
      ENVIRONMENT: 'production',
      WEBHOOK_BACKOFF_SCALE: '0.001',
      WEBHOOK_TIMEOUT_MS: '10',
    });
    expect(prod).toEqual({ scale: 1, timeoutMs: 5_000 });
    expect(nextRetryDelay(1, prod, () => 0)).toBe(4_500);
    expect(nextRetryDelay(1, prod, () => 0.999999)).toBe(5_500);
    const dev = deliverySettings({
      ENVIRONMENT: 'development',
      WEBHOOK_BACKOFF_SCALE: '0.001',
      WEBHOOK_TIMEOUT_MS: '1000',
    });
    expect(dev).toEqual({ scale: 0.001, timeoutMs: 1_000 });
    expect(nextRetryDelay(MAX_RETRIES, dev, () => 0.5)).toBe(36_000);
    expect(nextRetryDelay(MAX_RETRIES + 1, dev)).toBeNull();
    expect(disableAfterMs(prod)).toBe(5 * 24 * HOUR);
    expect(disableAfterMs(dev)).toBe(432_000);
    // Nonsense values fall back to the real schedule rather than retrying in a tight loop.
    expect(
      deliverySettings({ ENVIRONMENT: 'development', WEBHOOK_BACKOFF_SCALE: '0', WEBHOOK_TIMEOUT_MS: 'x' }),
    ).toEqual({ scale: 1, timeoutMs: 5_000 });
  });
});
