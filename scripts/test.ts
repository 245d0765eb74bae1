/**
 * `./edgelive test`: every test (workerd integration, Node unit, end-to-end), then one plain
 * `N passed, N failed` line that CI reads. Exit code is non-zero when anything failed or no test ran.
 *
 * With no arguments the work runs in two lanes at once. Vitest runs projects one after another and
 * the end-to-end files one at a time, and those files mostly wait on wrangler, NGINX, ffmpeg and
 * Chromium, so overlapping them takes minutes off a full run:
 * - lane 1 runs the end-to-end files one Vitest process per file, from the front of the queue in
 *   `lib/e2e-queue.ts` (the files that publish video first);
 * - lane 2 runs the workerd + unit projects in one process, then takes end-to-end files that publish
 *   no video from the back of the same queue until only video files are left.
 * Each run's output is printed as one block when it ends, so the lanes do not interleave lines.
 * `EDGELIVE_TEST_SERIAL=1` (or any argument, such as a file or `--project`) runs one process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureConsoleBuildAsync } from './lib/console-build.ts';
import { E2eQueue } from './lib/e2e-queue.ts';
import { ROOT, WRANGLER_ENV } from './lib/worker-process.ts';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

interface RunResult {
  name: string;
  status: number | null;
  results: VitestJson | null;
  seconds: number;
}

const resultsDir = join(ROOT, '.edgelive', 'test-results');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let runCount = 0;

/** One Vitest process. `stream` prints as it runs (the single-process mode); otherwise one block at the end. */
function vitest(name: string, args: string[], stream: boolean): Promise<RunResult> {
  runCount += 1;
  const out = join(resultsDir, `${runCount}.json`);
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      ...args,
    ],
    { cwd: ROOT, env: WRANGLER_ENV, stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'] },
  );
  const buffered: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => buffered.push(b));
  child.stderr?.on('data', (b: Buffer) => buffered.push(b));
  return new Promise((resolve) => {
    child.on('close', (status) => {
      const seconds = (Date.now() - started) / 1000;
      if (!stream) {
        process.stdout.write(`\n===== ${name} (${seconds.toFixed(0)} s) =====\n`);
        process.stdout.write(Buffer.concat(buffered));
      }
      const results = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as VitestJson) : null;
      resolve({ name, status, results, seconds });
    });
  });
}

async function lanes(): Promise<RunResult[]> {
  const queue = new E2eQueue(ROOT);
  const done: RunResult[] = [];
  // Built once, before any end-to-end file: the console's browser files in both lanes would otherwise race to build it.
  // A failed build is one failed run; the files still run (the browser ones then fail on their own).
  const consoleBuilt = ensureConsoleBuildAsync().catch((error: unknown) => {
    console.error(`console build failed: ${String(error)}`);
    done.push({ name: 'console build', status: 1, results: null, seconds: 0 });
  });
  const lane1 = (async () => {
    await consoleBuilt;
    for (let file = queue.takeFront(); file; file = queue.takeFront()) {
      done.push(await vitest(`lane 1: ${file.path}`, ['--project', 'e2e', file.path], false));
    }
  })();
  const lane2 = (async () => {
    const projects = ['--project', 'workers', '--project', 'workers-isolated', '--project', 'unit'];
    done.push(await vitest('lane 2: workers + unit', projects, false));
    await consoleBuilt;
    for (let file = queue.takeLight(); file; file = queue.takeLight()) {
      done.push(await vitest(`lane 2: ${file.path}`, ['--project', 'e2e', file.path], false));
    }
  })();
  await Promise.all([lane1, lane2]);
  return done;
}

const passthrough = process.argv.slice(2);
const started = Date.now();
const runs =
  passthrough.length > 0 || process.env.EDGELIVE_TEST_SERIAL === '1'
    ? [await vitest('all', passthrough, true)]
    : await lanes();

let passed = 0;
let failed = 0;
let skipped = 0;
const failedRuns: string[] = [];
for (const { name, status, results } of runs) {
  if (!results) {
    console.error(`vitest (${name}) wrote no results (it crashed before running tests)`);
    failed += 1;
    failedRuns.push(name);
    continue;
  }
  passed += results.numPassedTests;
  // A file that fails to load has no tests to count; count it as a failure so it cannot hide.
  const runFailed =
    results.numFailedTests +
    (results.numFailedTestSuites > 0 && results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
  failed += runFailed;
  skipped += results.numPendingTests + results.numTodoTests;
  if (status !== 0 || runFailed > 0) failedRuns.push(name);
}
if (runs.length > 1) {
  console.log(`\n${runs.length} Vitest runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const name of failedRuns) console.log(`failed: ${name}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedRuns.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
