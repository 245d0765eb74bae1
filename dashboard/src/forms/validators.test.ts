import { describe, expect, it } from 'vitest';
import { collect, email, hasErrors, httpsUrl, intInRange, maxLength, newPassword, required } from './validators';

describe('form validators', () => {
  it('mirror the API limits', () => {
    expect(required('  ', 'Name')).toBe('Name is required.');
    expect(required('x')).toBeUndefined();
    expect(email('nobody')).toBe('Enter a valid email address.');
    expect(email('a@b.co')).toBeUndefined();
    expect(newPassword('short')).toBe('Use at least 10 characters.');
    expect(newPassword('0123456789')).toBeUndefined();
    expect(maxLength('x'.repeat(101), 100, 'Name')).toBe('Name must be at most 100 characters.');
    expect(intInRange('1801', 0, 1800, 'Reconnect window')).toBe('Reconnect window must be between 0 and 1800.');
    expect(intInRange('1.5', 0, 10)).toBe('Value must be a whole number.');
    expect(intInRange('60', 0, 1800)).toBeUndefined();
    expect(httpsUrl('http://x.test')).toBe('Use an https:// URL.');
    expect(httpsUrl('http://x.test', true)).toBeUndefined();
    expect(httpsUrl('not a url')).toMatch(/full URL/);
  });

  it('collects only the failures', () => {
    const e = collect({ a: undefined, b: 'bad' });
    expect(e).toEqual({ b: 'bad' });
    expect(hasErrors(e)).toBe(true);
    expect(hasErrors(collect({ a: undefined }))).toBe(false);
  });
});
