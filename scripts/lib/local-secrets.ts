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
