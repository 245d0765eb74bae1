import { describe, expect, it } from 'vitest';
import { call, expectError, register } from '../test/helpers';
import { LOCK_AFTER } from './login-throttle.service';

describe('sign-in throttling', () => {
  it('slows repeated failures for one account, then refuses with 429 and Retry-After even with the right password', async () => {
    const acct = await register();
    const durations: number[] = [];
    for (let i = 0; i < LOCK_AFTER; i++) {
      // A different address each time: the per-account counter must catch it on its own.
      const t = Date.now();
      const res = await call('/v1/auth/login', {
        body: { email: acct.email, password: 'wrong password' },
        headers: { 'cf-connecting-ip': `192.0.2.${i + 1}` },
      });
      durations.push(Date.now() - t);
      expectError(res, 401);
    }
    // Later failures wait longer than the first ones did.
    expect(durations[LOCK_AFTER - 1]! - durations[0]!).toBeGreaterThanOrEqual(500);
    const locked = await call('/v1/auth/login', {
      body: { email: acct.email, password: acct.password },
      headers: { 'cf-connecting-ip': '192.0.2.200' },
    });
    expectError(locked, 429, 'too_many_attempts');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses one address that tries many accounts', async () => {
    const ip = '198.51.100.77';
    for (let i = 0; i < LOCK_AFTER; i++) {
      expectError(
        await call('/v1/auth/login', {
          body: { email: `nobody${i}@example.com`, password: 'guess guess' },
          headers: { 'cf-connecting-ip': ip },
        }),
        401,
      );
    }
    const acct = await register();
    expectError(
      await call('/v1/auth/login', {
        body: { email: acct.email, password: acct.password },
        headers: { 'cf-connecting-ip': ip },
      }),
      429,
    );
    // Another address is unaffected.
    expect(
      (
        await call('/v1/auth/login', {
          body: { email: acct.email, password: acct.password },
          headers: { 'cf-connecting-ip': '198.51.100.78' },
        })
      ).status,
    ).toBe(200);
  });
});
