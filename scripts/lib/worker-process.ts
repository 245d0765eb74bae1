import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEV_VARS } from './local-secrets.ts';

/**
 * Runs the control-plane Worker under `wrangler dev` (real workerd with local D1, R2 and Durable
 * Objects persisted under `persistTo`). Shared by `npm start` and the end-to-end tests so both
 * run the stack the same way.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRANGLER = `${ROOT}node_modules/wrangler/bin/wrangler.js`;

/** Offline wrangler: no account lookups, no telemetry. */
export const WRANGLER_ENV = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  // wrangler asks before applying migrations unless it believes nobody can answer.
  CI: 'true',
  NO_COLOR: '1',
};

export interface WorkerHandle {
  url: string;
  port: number;
  persistTo: string;
  /** Everything wrangler printed, for a failing test's message. */
  logs: () => string;
  /**
   * Runs the Worker's Cron Trigger once (the events outbox sweeper, sealing of pre-encryption
   * rows): `wrangler dev` does not fire crons by itself, so the start command calls this on a timer.
   */
  runScheduled: () => Promise<void>;
  stop: () => Promise<void>;
}

export interface WorkerOptions {
  port: number;
  persistTo: string;
  /** Extra `--var` values (override the development values of local-secrets.ts and wrangler.jsonc `vars`). */
  vars?: Record<string, string>;
  /** How long to wait for the Worker to answer. */
  readyTimeoutMs?: number;
  /** The DevTools inspector's port (a benchmark's CPU profile); a free one by default. */
  inspectorPort?: number;
}

function run(args: string[], persistTo: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args, '--persist-to', persistTo], {
      cwd: ROOT,
      env: WRANGLER_ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.join(' ')} failed:\n${out}`)),
    );
  });
}

/** Applies every D1 migration in migrations/ to the local database under `persistTo`. */
export async function applyLocalMigrations(persistTo: string): Promise<void> {
  mkdirSync(persistTo, { recursive: true });
  await run(['d1', 'migrations', 'apply', 'DB', '--local'], persistTo);
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number, logs: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early (${child.exitCode}):\n${logs()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms:\n${logs()}`);
}

export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  await applyLocalMigrations(opts.persistTo);
  const args = [
    WRANGLER,
    'dev',
    '--port',
    String(opts.port),
    '--ip',
    '127.0.0.1',
    '--persist-to',
    opts.persistTo,
    '--inspector-port',
    String(opts.inspectorPort ?? 0),
    '--show-interactive-dev-session=false',
    // Exposes /__scheduled, so local runs can fire the Cron Trigger (runScheduled).
    '--test-scheduled',
  ];
  // wrangler.jsonc holds no secrets (a deployment must set real ones): local runs get development values.
  for (const [k, v] of Object.entries({ ...DEV_VARS, ...opts.vars })) args.push('--var', `${k}:${v}`);
  // Its own process group, so stop() takes workerd down with wrangler.
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: WRANGLER_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const logs = () => out;
  const url = `http://127.0.0.1:${opts.port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHttp(`${url}/v1/openapi.json`, child, opts.readyTimeoutMs ?? 60_000, logs);
  } catch (err) {
    await stop();
    throw err;
  }
  const runScheduled = async () => {
    const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent('* * * * *')}`);
    await res.body?.cancel();
    if (!res.ok) throw new Error(`the scheduled handler failed (${res.status})`);
  };
  return { url, port: opts.port, persistTo: opts.persistTo, logs, stop, runScheduled };
}
