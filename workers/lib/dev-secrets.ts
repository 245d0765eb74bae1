/**
 * The production guard, which fails closed. wrangler.jsonc ships no secret and
 * `ENVIRONMENT=production`; the development values (all starting with DEV_SECRET_PREFIX, plus
 * `ENVIRONMENT=development` and `WEBHOOK_ALLOW_PRIVATE=true`) are handed only to local runs by
 * scripts/lib/local-secrets.ts. A Worker refuses to serve while a required secret is missing or is
 * a development value, unless it is serving a local host: a plain `wrangler deploy` without
 * `wrangler secret put` answers 503, never runs on publicly known keys.
 */
export const DEV_SECRET_PREFIX = 'dev-only-';

/** The secrets every request may depend on; ORIGIN_SECRETS is checked per origin in origin-auth. */
export const REQUIRED_SECRETS = [
  'SESSION_SECRET',
  'PLAYBACK_GRANT_SECRET',
  'MEDIA_KEY_SECRET',
  'DATA_ENCRYPTION_KEY',
] as const;

type GuardEnv = Partial<Record<(typeof REQUIRED_SECRETS)[number] | 'ENVIRONMENT' | 'WEBHOOK_ALLOW_PRIVATE', unknown>>;

/**
 * Hosts no deployed Worker can be reached by: loopback addresses, `localhost` and the names
 * RFC 6761 reserves (`*.localhost`, `*.test`), which never resolve on the public Internet (the
 * workerd tests use `edgelive.test`). Cloudflare routes a request by its host, so a deployment
 * only ever sees its own public names here.
 */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h.endsWith('.test') ||
    h === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
  );
}

const isUnsafeSecret = (v: unknown) => typeof v !== 'string' || v.length < 32 || v.startsWith(DEV_SECRET_PREFIX);

/**
 * What keeps this Worker from serving `hostname`, as names for the error message; empty when it
 * may serve. In production every required secret must be real wherever it serves; off a local
 * host, development settings are refused whatever ENVIRONMENT says.
 */
export function unsafeSecrets(env: GuardEnv, hostname: string): string[] {
  const local = isLocalHost(hostname);
  const production = env.ENVIRONMENT === 'production';
  if (local && !production) return [];
  const out: string[] = REQUIRED_SECRETS.filter((name) => isUnsafeSecret(env[name]));
  if (!local && !production) out.push('ENVIRONMENT (development settings serve only localhost)');
  if (!local && !production && env.WEBHOOK_ALLOW_PRIVATE === 'true') out.push('WEBHOOK_ALLOW_PRIVATE');
  return out;
}
