import { afterEach, describe, expect, it, vi } from 'vitest';
import { hashPassword, PER_CALL_ITERATIONS, verifyPassword } from './password';

describe('password hashing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never asks WebCrypto for more than 100,000 PBKDF2 iterations in one call (the production Workers limit)', async () => {
    const spy = vi.spyOn(crypto.subtle, 'deriveBits');
    const stored = await hashPassword('a long enough password');
    expect(spy).toHaveBeenCalled();
    for (const [params] of spy.mock.calls) {
      expect((params as { iterations: number }).iterations).toBeLessThanOrEqual(100_000);
    }
    expect(PER_CALL_ITERATIONS).toBe(100_000);
    // The total is stronger than one call: the rounds chain.
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(stored).toMatch(/^pbkdf2-sha256-chain\$100000\$3\$[\w-]+\$[\w-]+$/);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterz', stored)).toBe(false);
  });

  it('salts: the same password hashes differently twice', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('reads the cost from the stored string, so older hashes keep verifying after the cost changes', async () => {
    const cheap = await hashPassword('pw that is long', { perCall: 1000, rounds: 2 });
    expect(cheap).toMatch(/^pbkdf2-sha256-chain\$1000\$2\$/);
    expect(await verifyPassword('pw that is long', cheap)).toBe(true);
  });

  it('refuses a per-call count above the limit instead of failing only in production', async () => {
    await expect(hashPassword('pw that is long', { perCall: 100_001, rounds: 1 })).rejects.toThrow(/exceeds/);
  });

  it('treats a malformed stored hash as a mismatch', async () => {
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
  });
});
