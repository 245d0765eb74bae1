import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, matchStep, stepAt, totpAt } from './totp';

/** RFC 6238 appendix B (SHA-1 column) and RFC 4226 appendix D, digit for digit. */
const RFC_SECRET = new TextEncoder().encode('12345678901234567890');

describe('TOTP (RFC 6238) over WebCrypto', () => {
  it('matches the RFC 6238 SHA-1 test vectors (8 digits)', async () => {
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [t, code] of vectors) expect(await hotp(RFC_SECRET, Math.floor(t / 30), 8)).toBe(code);
  });

  it('matches the RFC 4226 HOTP vectors (6 digits)', async () => {
    const codes = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    for (const [i, code] of codes.entries()) expect(await hotp(RFC_SECRET, i)).toBe(code);
  });

  it('round-trips base32 and accepts a code one step either side, not two', async () => {
    const secret = base32Encode(RFC_SECRET);
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32Decode(secret)).toEqual(RFC_SECRET);
    const now = 1_700_000_000_000;
    expect(await matchStep(secret, await totpAt(secret, now - 30_000), now)).toBe(stepAt(now) - 1);
    expect(await matchStep(secret, await totpAt(secret, now + 30_000), now)).toBe(stepAt(now) + 1);
    expect(await matchStep(secret, await totpAt(secret, now + 60_000), now)).toBeNull();
    expect(await matchStep(secret, 'abcdef', now)).toBeNull();
  });
});
