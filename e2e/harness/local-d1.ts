import { execFileSync } from 'node:child_process';
import { ROOT, WRANGLER_ENV } from '../../scripts/lib/worker-process.ts';

/**
 * Runs one SQL statement against the local D1 a test's Worker persists to, through wrangler, for
 * what a test cannot wait for or does not prove (a token aged 30 minutes, an address verified).
 */
export function localD1(persistTo: string, sql: string): void {
  execFileSync(
    process.execPath,
    [
      `${ROOT}node_modules/wrangler/bin/wrangler.js`,
      'd1',
      'execute',
      'DB',
      '--local',
      '--persist-to',
      persistTo,
      '--command',
      sql,
    ],
    { cwd: ROOT, env: WRANGLER_ENV, stdio: 'pipe', timeout: 60_000 },
  );
}
