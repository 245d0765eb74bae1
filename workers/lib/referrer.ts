/**
 * Playback restrictions by referrer, as Mux has them (app settings `allowed_referrers`,
 * `allow_no_referrer`). Patterns are host names: `example.com` matches that host only,
 * `*.example.com` any subdomain at any depth (not the apex), `*` any host.
 *
 * - No `allowed_referrers`: any referrer plays.
 * - `allowed_referrers` set (even empty: nobody): the Referer's host must match one pattern.
 * - No Referer (native apps, TVs, `curl`, `Referrer-Policy: no-referrer`): allowed by
 *   `allow_no_referrer`, which defaults to true without a list and to false with one (Mux's default
 *   once a restriction exists).
 *
 * Our own host always counts as allowed: the embed page's player fetches media with the embed page
 * as its Referer, and the embed page itself was admitted by the customer page's Referer. A Referer
 * is trivially forged outside a browser; this keeps other sites from embedding, nothing more.
 */
export interface ReferrerPolicy {
  allowed_referrers?: string[] | undefined;
  allow_no_referrer?: boolean | undefined;
}

export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return p === h;
}

export type ReferrerVerdict =
  | { ok: true }
  | { ok: false; code: 'referrer_missing' | 'referrer_not_allowed'; message: string };

export function checkReferrer(policy: ReferrerPolicy, referer: string | undefined, selfHost: string): ReferrerVerdict {
  const list = policy.allowed_referrers;
  if (!referer) {
    const allowNone = policy.allow_no_referrer ?? list === undefined;
    return allowNone
      ? { ok: true }
      : {
          ok: false,
          code: 'referrer_missing',
          message: 'This app only plays on allowed sites, and the request has no Referer.',
        };
  }
  if (list === undefined) return { ok: true };
  let host: string;
  try {
    host = new URL(referer).hostname;
  } catch {
    return { ok: false, code: 'referrer_not_allowed', message: 'The Referer is not a URL.' };
  }
  if (host === selfHost || list.some((p) => hostMatches(p, host))) return { ok: true };
  return { ok: false, code: 'referrer_not_allowed', message: `Playback is not allowed on ${host}.` };
}
