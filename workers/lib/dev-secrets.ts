/**
 * wrangler.jsonc ships well-known development values for every secret so `./edgelive start` runs
 * with nothing configured. They all start with this prefix, and a production deployment
 * (`ENVIRONMENT=production`) must never run on one.
 */
export const DEV_SECRET_PREFIX = 'dev-only-';

/** The secrets every request may depend on; ORIGIN_SECRETS is checked per origin in origin-auth. */
export const REQUIRED_SECRETS = ['SESSION_SECRET', 'PLAYBACK_GRANT_SECRET', 'MEDIA_KEY_SECRET'] as const;

/** Names of required secrets that are missing or still the development default in production. */
export function unsafeSecrets(env: Partial<Record<(typeof REQUIRED_SECRETS)[number] | 'ENVIRONMENT', unknown>>): string[] {
  if (env.ENVIRONMENT !== 'production') return [];
  return REQUIRED_SECRETS.filter((name) => {
    const v = env[name];
    return typeof v !== 'string' || v.length < 32 || v.startsWith(DEV_SECRET_PREFIX);
  });
}
