import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/worker-process.ts';

/**
 * A fresh clone of the committed tree: `./edgelive start` runs to "Edgelive is running" and,
 * after Ctrl-C, `git status --porcelain` is empty: nothing the start command writes (state,
 * builds, the lockfile) shows up as a change. The clone gets this checkout's node_modules as hard
 * links (an `npm ci` from the registry is what CI's own fresh clone does), marked as up to date
 * so `./edgelive` does not install again.
 */
const dir = mkdtempSync(join(tmpdir(), 'edgelive-fresh-clone-'));
const clone = join(dir, 'edgelive');
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it('./edgelive start leaves git status clean', async () => {
    execFileSync('git', ['clone', '--quiet', ROOT, clone], { timeout: 60_000 });
    execFileSync('cp', ['-al', join(ROOT, 'node_modules'), join(clone, 'node_modules')], { timeout: 120_000 });
    for (const ws of ['dashboard', 'origin', 'packages/client', 'packages/node', 'packages/shared']) {
      if (existsSync(join(ROOT, ws, 'node_modules')))
        execFileSync('cp', ['-al', join(ROOT, ws, 'node_modules'), join(clone, ws, 'node_modules')]);
    }
    // Newer than the checked-out lockfile: ./edgelive sees an installed tree.
    execFileSync('touch', [join(clone, 'node_modules/.package-lock.json')]);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');

    child = spawn(join(clone, 'edgelive'), ['start'], {
      cwd: clone,
      env: {
        ...process.env,
        EDGELIVE_API_PORT: '20803',
        EDGELIVE_RTMP_PORT: '20804',
        EDGELIVE_CONSOLE_PORT: '20805',
        EDGELIVE_SMTP_PORT: '20806',
        EDGELIVE_MAIL_PORT: '20807',
        EDGELIVE_DOCS_PORT: '20808',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const end = Date.now() + 150_000;
    while (!out.includes('Edgelive is running')) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`start did not come up:\n${out}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGINT');
    await exited;

    expect(execFileSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' })).toBe('');
  }, 300_000);
});
