/**
 * `./edgelive test`: every test (workerd integration, Node unit, end-to-end), then one plain
 * `N passed, N failed` line that CI reads. Exit code is non-zero when anything failed or no test ran.
 *
 * With no arguments the end-to-end files run in one Vitest process and the workerd + unit
 * projects in a second one, at the same time. Vitest runs projects one after another, and the
 * end-to-end files run one at a time (fixed ports) while mostly waiting on wrangler, NGINX and
 * ffmpeg, so overlapping the in-process projects with them takes minutes off a full run.
 * `EDGELIVE_TEST_SERIAL=1` (or any argument, such as a file or `--project`) runs one process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, WRANGLER_ENV } from './lib/worker-process.ts';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

interface Group {
  name: string;
  args: string[];
  /** Streamed as it runs; the other group's output is printed as one block when it ends. */
  stream: boolean;
}

const resultsDir = join(ROOT, '.edgelive');
mkdirSync(resultsDir, { recursive: true });

const passthrough = process.argv.slice(2);
const groups: Group[] =
  passthrough.length > 0 || process.env.EDGELIVE_TEST_SERIAL === '1'
    ? [{ name: 'all', args: passthrough, stream: true }]
    : [
        { name: 'e2e', args: ['--project', 'e2e'], stream: true },
        { name: 'in-process', args: ['--project', 'workers', '--project', 'unit'], stream: false },
      ];

function run(group: Group): Promise<{ status: number | null; results: VitestJson | null }> {
  const out = join(resultsDir, `test-results-${group.name}.json`);
  rmSync(out, { force: true });
  const args = [
    join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...group.args,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: WRANGLER_ENV,
    stdio: group.stream ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  const buffered: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => buffered.push(b));
  child.stderr?.on('data', (b: Buffer) => buffered.push(b));
  return new Promise((resolve) => {
    child.on('close', (status) => {
      if (!group.stream) {
        process.stdout.write(`\n===== ${group.name} tests (${group.args.join(' ')}) =====\n`);
        process.stdout.write(Buffer.concat(buffered));
        process.stdout.write(`===== end of ${group.name} tests =====\n\n`);
      }
      const results = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as VitestJson) : null;
      resolve({ status, results });
    });
  });
}

const runs = await Promise.all(groups.map(run));

let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
for (const [i, { status, results }] of runs.entries()) {
  if (!results) {
    console.error(`vitest (${groups[i]?.name}) wrote no results (it crashed before running tests)`);
    failed += 1;
    ok = false;
    continue;
  }
  passed += results.numPassedTests;
  // A file that fails to load has no tests to count; count it as a failure so it cannot hide.
  failed +=
    results.numFailedTests +
    (results.numFailedTestSuites > 0 && results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
  skipped += results.numPendingTests + results.numTodoTests;
  if (status !== 0) ok = false;
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(!ok || failed > 0 || passed === 0 ? 1 : 0);
