import { allowsPrivateTargets, isPrivateHost, isProduction, type UrlPolicyEnv } from '../../core/webhook-url';

/**
 * Which URLs a stream may be restreamed to, and where its key is. RTMP and RTMPS only (what
 * YouTube, Twitch, Facebook and NGINX-RTMP take). In production no loopback, private or link-local
 * hosts: the origin would otherwise push into networks that are not the customer's. Local
 * development and tests push to receivers on 127.0.0.1 under the same switch as webhooks
 * (`WEBHOOK_ALLOW_PRIVATE=true`, never in production).
 */
export interface TargetUrl {
  /** The URL without the key: what the API shows. */
  url: string;
  /** The key when it was the URL's last path segment (`rtmp://host/app/<key>`), else null. */
  key: string | null;
}

const MAX_URL = 2000;

/** The URL (and the key it carries when `keyInUrl`), or a sentence saying why it is refused. */
export function splitTargetUrl(raw: string, env: UrlPolicyEnv, keyInUrl: boolean): TargetUrl | string {
  if (raw.length > MAX_URL) return `The URL is longer than ${MAX_URL} characters.`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'The URL is not valid.';
  }
  if (u.protocol !== 'rtmp:' && u.protocol !== 'rtmps:') return 'Simulcast targets take rtmp:// or rtmps:// URLs.';
  if (!u.hostname) return 'The URL has no host.';
  if (u.username || u.password) return 'The URL must not carry a user name or password.';
  if (u.search || u.hash) return 'The URL must not have a query or fragment; give the key as `stream_key`.';
  if (isPrivateHost(u.hostname) && !allowsPrivateTargets(env)) {
    return (
      'The URL points to a loopback, private or link-local address, which is refused' +
      (isProduction(env) ? ' in production.' : '; set WEBHOOK_ALLOW_PRIVATE=true for local development.')
    );
  }
  const segments = u.pathname.split('/').filter(Boolean);
  if (segments.length === 0) return 'The URL needs an application path, like rtmp://host/live.';
  const base = `${u.protocol}//${u.host}`;
  if (keyInUrl && segments.length >= 2) {
    const key = decodeURIComponent(segments.at(-1)!);
    return { url: `${base}/${segments.slice(0, -1).join('/')}`, key };
  }
  return { url: `${base}/${segments.join('/')}`, key: null };
}
