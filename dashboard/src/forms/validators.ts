/**
 * Checks that run before a form is sent. They mirror the Worker's schemas (same limits) so people
 * see the problem at once; the server still validates, and its messages are shown too.
 */
export type Errors<K extends string> = Partial<Record<K, string>>;

export const required = (v: string, what = 'This field') => (v.trim() ? undefined : `${what} is required.`);

export function email(v: string): string | undefined {
  if (!v.trim()) return 'Email is required.';
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.trim()) ? undefined : 'Enter a valid email address.';
}

export const newPassword = (v: string) => (v.length >= 10 ? undefined : 'Use at least 10 characters.');

export function maxLength(v: string, n: number, what = 'This field'): string | undefined {
  return v.trim().length > n ? `${what} must be at most ${n} characters.` : undefined;
}

export function httpsUrl(v: string, allowHttp = false): string | undefined {
  if (!v.trim()) return 'URL is required.';
  try {
    const u = new URL(v.trim());
    if (u.protocol === 'https:' || (allowHttp && u.protocol === 'http:')) return undefined;
    return allowHttp ? 'Use an http:// or https:// URL.' : 'Use an https:// URL.';
  } catch {
    return 'Enter a full URL, like https://example.com/webhooks.';
  }
}

export function intInRange(v: string, min: number, max: number, what = 'Value'): string | undefined {
  if (!/^\d+$/.test(v.trim())) return `${what} must be a whole number.`;
  const n = Number(v);
  return n < min || n > max ? `${what} must be between ${min} and ${max}.` : undefined;
}

/** Keeps only the messages, so `Object.keys(...).length === 0` means the form may be sent. */
export function collect<K extends string>(checks: Record<K, string | undefined>): Errors<K> {
  const out: Errors<K> = {};
  for (const k of Object.keys(checks) as K[]) if (checks[k]) out[k] = checks[k];
  return out;
}

export const hasErrors = (e: object) => Object.keys(e).length > 0;
