import { execFileSync, spawn } from 'node:child_process';
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

function isStale(): boolean {
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
  return !existsSync(BUILT) || Math.max(...sources.map(newestMtime)) > statSync(BUILT).mtimeMs;
}

const VITE_BUILD = [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'];

/**
 * Builds the console (Vite) when there is no build or its sources are newer than it, so `start`
 * and the browser tests never serve a stale console and never rebuild one that is current.
 */
export function ensureConsoleBuild(force = false): void {
  if (!force && !isStale()) return;
  execFileSync(process.execPath, VITE_BUILD, { cwd: DASHBOARD, stdio: 'inherit' });
}

/**
 * The same, without blocking the event loop: `scripts/test.ts` builds once before end-to-end
 * files that may run two at a time, so two of them never write `dashboard/dist` at once.
 */
export function ensureConsoleBuildAsync(): Promise<void> {
  if (!isStale()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, VITE_BUILD, { cwd: DASHBOARD, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`))));
  });
}
