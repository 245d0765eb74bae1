import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_VARS } from './lib/local-secrets.ts';
import { ROOT } from './lib/worker-process.ts';

const wrangler = readFileSync(join(ROOT, 'wrangler.jsonc'), 'utf8');
/** The `vars` object of wrangler.jsonc, comments dropped. */
const vars = () => {
  const body = wrangler.slice(wrangler.indexOf('"vars"'));
  const obj = body.slice(body.indexOf('{'), body.indexOf('}') + 1).replace(/^\s*\/\/.*$/gm, '');
  return JSON.parse(obj) as Record<string, string>;
};

describe('what a plain `wrangler deploy` ships', () => {
  it('carries no development secret and deploys as production', () => {
    expect(wrangler).not.toContain('dev-only-');
    expect(vars()).toEqual({ ENVIRONMENT: 'production' });
    for (const name of ['SESSION_SECRET', 'PLAYBACK_GRANT_SECRET', 'MEDIA_KEY_SECRET', 'DATA_ENCRYPTION_KEY'])
      expect(DEV_VARS[name]).toMatch(/^dev-only-/);
  });

  it('runs the events outbox sweeper from a Cron Trigger', () => {
    expect(wrangler).toMatch(/"triggers":\s*\{\s*"crons":\s*\["\* \* \* \* \*"\]/);
  });
});
