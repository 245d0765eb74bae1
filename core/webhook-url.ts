/**
 * Which URLs we agree to POST webhooks to. In production only public https URLs: an endpoint
 * pointing into loopback, private or link-local ranges would let a customer make our Worker probe
 * networks that are not theirs (SSRF). Local development and tests deliver to receivers on
 * 127.0.0.1, so there the rule is relaxed, but only when asked for explicitly
 * (`WEBHOOK_ALLOW_PRIVATE=true`) and never when ENVIRONMENT=production.
 *
 * Hostnames are checked as written; a public name that resolves to a private address is stopped
 * by the platform itself (fetch() from a Worker cannot reach private networks).
 */
export interface UrlPolicyEnv {
  ENVIRONMENT: string;
  WEBHOOK_ALLOW_PRIVATE?: string;
}

export const isProduction = (env: UrlPolicyEnv) => env.ENVIRONMENT === 'production';

export const allowsPrivateTargets = (env: UrlPolicyEnv) => !isProduction(env) && env.WEBHOOK_ALLOW_PRIVATE === 'true';

const PRIVATE_SUFFIXES = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa'];

function ipv4Private(host: string): boolean | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 || // this-network, private, loopback, multicast + reserved
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0 && Number(m[3]) === 0) ||
    (a === 198 && (b === 18 || b === 19)) // benchmarking
  );
}

/** IPv6 literals are accepted only in global unicast (2000::/3), minus documentation and NAT64. */
function ipv6Private(host: string): boolean | null {
  if (!host.startsWith('[')) return null;
  const addr = host.slice(1, -1).toLowerCase();
  const first = parseInt(addr.split(':')[0] || '0', 16);
  if (first < 0x2000 || first > 0x3fff) return true;
  return addr.startsWith('2001:db8:') || addr.startsWith('64:ff9b:');
}

/** True for hosts that name loopback, private, link-local or otherwise non-public places. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  const v4 = ipv4Private(host);
  if (v4 !== null) return v4;
  const v6 = ipv6Private(host);
  if (v6 !== null) return v6;
  if (host === 'localhost' || !host.includes('.')) return true;
  return PRIVATE_SUFFIXES.some((s) => host.endsWith(s));
}

/** Why `raw` cannot be a webhook target under `env`, or null when it can. */
export function webhookUrlProblem(raw: string, env: UrlPolicyEnv): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The URL is not valid.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'The URL must use https (or http outside production).';
  if (url.username || url.password)
    return 'The URL must not carry credentials; authenticate by verifying the signature.';
  if (isPrivateHost(url.hostname) && !allowsPrivateTargets(env)) {
    return (
      'The URL points to a loopback, private or link-local address, which is refused' +
      (isProduction(env) ? ' in production.' : '; set WEBHOOK_ALLOW_PRIVATE=true for local development.')
    );
  }
  if (isProduction(env) && url.protocol !== 'https:') return 'Webhook URLs must use https in production.';
  return null;
}
