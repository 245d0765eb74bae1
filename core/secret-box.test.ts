import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from './secret-box';

const SECRET = 'a-secret-of-enough-length-0123456789';

describe('secret box (AES-256-GCM, HKDF per purpose, bound to a row)', () => {
  it('opens what it sealed, and the ciphertext does not contain the plain value', async () => {
    const sealed = await sealSecret(SECRET, 'simulcast', 'sim_1', 'live_abc123');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('live_abc123');
    expect(await openSecret(SECRET, 'simulcast', 'sim_1', sealed)).toBe('live_abc123');
  });

  it('two seals of one value differ (random IV)', async () => {
    const a = await sealSecret(SECRET, 'simulcast', 'sim_1', 'k');
    const b = await sealSecret(SECRET, 'simulcast', 'sim_1', 'k');
    expect(a).not.toBe(b);
  });

  it('refuses another row, another purpose, another secret, or a tampered value', async () => {
    const sealed = await sealSecret(SECRET, 'simulcast', 'sim_1', 'live_abc123');
    expect(await openSecret(SECRET, 'simulcast', 'sim_2', sealed)).toBeNull();
    expect(await openSecret(SECRET, 'other', 'sim_1', sealed)).toBeNull();
    expect(await openSecret(`${SECRET}x`, 'simulcast', 'sim_1', sealed)).toBeNull();
    const [v, iv, ct] = sealed.split('.');
    const flipped = `${ct!.slice(0, -2)}${ct!.endsWith('A') ? 'B' : 'A'}${ct!.slice(-1)}`;
    expect(await openSecret(SECRET, 'simulcast', 'sim_1', `${v}.${iv}.${flipped}`)).toBeNull();
    expect(await openSecret(SECRET, 'simulcast', 'sim_1', 'garbage')).toBeNull();
  });
});
