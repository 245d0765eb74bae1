import type { Env } from '../../core/env';

/**
 * TXT records through a DNS-over-HTTPS resolver's JSON API (`?name=&type=TXT` with
 * `accept: application/dns-json`, the format Cloudflare's and Google's resolvers answer): Workers
 * have no UDP socket for plain DNS. `DNS_RESOLVER_URL` points elsewhere (a stand-in in the tests).
 */
export const DEFAULT_RESOLVER = 'https://cloudflare-dns.com/dns-query';
const TXT = 16;
const TIMEOUT_MS = 5000;

interface DohAnswer {
  Status?: number;
  Answer?: { name?: string; type?: number; data?: string }[];
}

export class DnsLookupError extends Error {}

/** A TXT record's data is one or more quoted strings; its value is them joined. */
export function txtValue(data: string): string {
  const parts = [...data.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  return parts.length ? parts.join('') : data.trim();
}

/** The TXT values at `name` (empty when there are none or the name does not exist). */
export async function lookupTxt(env: Env, name: string): Promise<string[]> {
  const url = new URL(env.DNS_RESOLVER_URL || DEFAULT_RESOLVER);
  url.searchParams.set('name', name);
  url.searchParams.set('type', 'TXT');
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/dns-json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new DnsLookupError(`The DNS resolver could not be reached (${(err as Error).message}).`);
  }
  if (!res.ok) throw new DnsLookupError(`The DNS resolver answered ${res.status}.`);
  const body = (await res.json().catch(() => null)) as DohAnswer | null;
  if (!body || typeof body.Status !== 'number') throw new DnsLookupError('The DNS resolver gave no JSON answer.');
  // 3 = NXDOMAIN: the record is simply not there yet.
  if (body.Status !== 0 && body.Status !== 3) throw new DnsLookupError(`The DNS lookup failed (rcode ${body.Status}).`);
  return (body.Answer ?? []).filter((a) => a.type === TXT && typeof a.data === 'string').map((a) => txtValue(a.data!));
}
