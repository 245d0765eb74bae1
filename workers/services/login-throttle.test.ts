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

  it('twenty concurrent wrong passwords from one address: at most the lock threshold reach verification, the rest 429', async () => {
    const acct = await register();
    const ip = '198.51.100.120';
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        call('/v1/auth/login', {
          body: { email: acct.email, password: 'wrong password' },
          headers: { 'cf-connecting-ip': ip },
        }),
      ),
    );
    // A 401 is an attempt whose password was verified; a 429 never got that far.
    const verified = results.filter((r) => r.status === 401).length;
    const refused = results.filter((r) => r.status === 429);
    expect(verified).toBeLessThanOrEqual(LOCK_AFTER);
    expect(verified + refused.length).toBe(20);
    for (const r of refused) expectError(r, 429, 'too_many_attempts');
  });

  it('guesses from elsewhere do not lock the owner out of an address they signed in from', async () => {
    const acct = await register(); // registered from the helpers' default address, 203.0.113.9
    for (let i = 0; i < LOCK_AFTER + 2; i++) {
      await call('/v1/auth/login', {
        body: { email: acct.email, password: 'wrong password' },
        headers: { 'cf-connecting-ip': `192.0.2.${100 + i}` },
      });
    }
    // The account is locked for new addresses...
    expectError(
      await call('/v1/auth/login', {
        body: { email: acct.email, password: acct.password },
        headers: { 'cf-connecting-ip': '192.0.2.250' },
      }),
      429,
    );
    // ...but its owner, at home, signs in.
    const home = await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } });
    expect(home.status, home.text).toBe(200);
  });
});
