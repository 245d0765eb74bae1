import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The origin secret of this installation's local stack: made once, kept in the state dir (mode
 * 600) and handed to both the Worker (`ORIGIN_SECRETS`) and the origin, so the well-known
 * development default in wrangler.jsonc is never what a running local stack trusts.
 */
export function localOriginSecret(stateDir: string): string {
  const path = join(stateDir, 'origin-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}

/**
 * The development values of every Worker secret and setting, handed only to local runs: the
 * start command and the end-to-end harness pass them as `--var` (scripts/lib/worker-process.ts),
 * the workerd tests as miniflare bindings (vitest.config.ts). They all start with `dev-only-`, so
 * a Worker that serves anything but a local host refuses them (workers/lib/dev-secrets.ts), and
 * none of them is in wrangler.jsonc, so a plain `wrangler deploy` never ships them.
 */
export const DEV_VARS: Readonly<Record<string, string>> = {
  ENVIRONMENT: 'development',
  SESSION_SECRET: 'dev-only-session-secret-change-me-in-production-0123456789',
  PLAYBACK_GRANT_SECRET: 'dev-only-playback-grant-secret-0123456789abcdef',
  MEDIA_KEY_SECRET: 'dev-only-media-key-secret-0123456789abcdef',
  DATA_ENCRYPTION_KEY: 'dev-only-data-encryption-key-0123456789abcdef',
  ORIGIN_SECRETS: JSON.stringify({
    orig_local: 'dev-only-origin-secret-local-0123456789abcdef',
    orig_local2: 'dev-only-origin-secret-local2-0123456789abcdef',
  }),
  // Local receivers live on 127.0.0.1.
  WEBHOOK_ALLOW_PRIVATE: 'true',
  // Development only: multiplies the retry schedule (1 = about a day). Production ignores both.
  WEBHOOK_BACKOFF_SCALE: '1',
  WEBHOOK_TIMEOUT_MS: '5000',
  // API rate limits per minute: production's defaults are 600 per key and 120 per anonymous
  // address; local stacks and tests send everything from 127.0.0.1, so development allows more.
  API_RATE_LIMIT_PER_MINUTE: '6000',
  ANON_RATE_LIMIT_PER_MINUTE: '1200',
  // Orgs that never chose a plan: production's default is `free`; a local stack (several demo
  // streams, receivers and invitations) starts on `business`. Plan tests set their plan explicitly.
  DEFAULT_PLAN: 'business',
};
