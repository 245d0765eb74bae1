/**
 * `./edgelive test`: every test (workerd integration, Node unit, end-to-end), then one plain
 * `N passed, N failed` line that CI reads. Exit code is non-zero when anything failed or no test ran.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WRANGLER_ENV } from './lib/worker-process.ts';

const out = join(ROOT, '.edgelive', 'test-results.json');
mkdirSync(join(ROOT, '.edgelive'), { recursive: true });
rmSync(out, { force: true });

const args = [
  join(ROOT, 'node_modules/vitest/vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...process.argv.slice(2),
];
const res = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: WRANGLER_ENV });

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}
if (!existsSync(out)) {
  console.log('0 passed, 1 failed');
  console.error('vitest wrote no results (it crashed before running tests)');
  process.exit(1);
}
const r = JSON.parse(readFileSync(out, 'utf8')) as VitestJson;
// A file that fails to load has no tests to count; count it as a failure so it cannot hide.
const failed = r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`\n${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || res.status !== 0 || r.numPassedTests === 0 ? 1 : 0);
