import { describe, expect, it } from 'vitest';
import { checkPattern, compileBlocklist } from './blocklist';

describe('blocklist patterns', () => {
  it('accepts bounded patterns and rewrites unbounded repetition to a cap', () => {
    expect(checkPattern('fr[e3]+\\s*money')).toEqual({ ok: true, source: 'fr[e3]{1,16}\\s{0,16}money' });
    expect(checkPattern('(?:buy|sell) now')).toMatchObject({ ok: true });
    expect(checkPattern('(abc){2,3}')).toMatchObject({ ok: true, source: '(?:abc){2,3}' });
  });

  it('refuses what can backtrack badly or is not a regex', () => {
    for (const p of [
      '(a+)+',
      '(a|b)*',
      '(a*)*',
      '\\1',
      '(?=x)',
      '(?<n>x)',
      'a{1,1000}',
      '[abc',
      '(',
      ')',
      '*a',
      'a{2,1}',
      '\\w*\\w*\\w*\\w*',
    ]) {
      expect(checkPattern(p).ok, p).toBe(false);
    }
  });

  it('matches whole words case-insensitively and runs patterns on long input quickly', () => {
    const b = compileBlocklist({ words: ['darn', 'c++'], patterns: ['a*a*a*b', 'x.*y'], action: 'block' });
    expect(b.matches('Oh DARN')).toBe(true);
    expect(b.matches('darning')).toBe(false);
    expect(b.matches('I like c++')).toBe(true);
    expect(b.matches('aaab')).toBe(true);
    const t0 = performance.now();
    expect(b.matches('a'.repeat(4000))).toBe(false);
    expect(b.matches('x'.repeat(4000))).toBe(false);
    // Bounded by construction; a generous ceiling still catches a regression to exponential time.
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
