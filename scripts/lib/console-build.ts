import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './worker-process.ts';

const DASHBOARD = join(ROOT, 'dashboard');
const BUILT = join(DASHBOARD, 'dist', 'index.html');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds the console (Vite) when there is no build or its sources are newer than it, so `start`
 * and the browser tests never serve a stale console and never rebuild one that is current.
 */
export function ensureConsoleBuild(force = false): void {
  // The console bundles the workspace packages from source, so their changes make a build stale too.
  const sources = [
    'src',
    'index.html',
    'vite.config.ts',
    'package.json',
    '../packages/client/src',
    '../packages/shared/src',
  ]
    .map((p) => join(DASHBOARD, p))
    .filter(existsSync);
  const stale = !existsSync(BUILT) || Math.max(...sources.map(newestMtime)) > statSync(BUILT).mtimeMs;
  if (!force && !stale) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'],
    {
      cwd: DASHBOARD,
      stdio: 'inherit',
    },
  );
}
