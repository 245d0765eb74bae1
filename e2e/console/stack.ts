import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serveConsole, type ServedConsole } from '../../dashboard/serve.ts';
import { ROOT, startWorker, type WorkerHandle } from '../../scripts/lib/worker-process.ts';

export interface ConsoleStack {
  worker: WorkerHandle;
  console: ServedConsole;
  stop(): Promise<void>;
}

/** Builds the console once per run unless a build is already there (E2E_REBUILD=1 forces one). */
function ensureBuild() {
  const dist = join(ROOT, 'dashboard', 'dist', 'index.html');
  if (existsSync(dist) && process.env.E2E_REBUILD !== '1') return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], {
    cwd: join(ROOT, 'dashboard'),
    stdio: 'inherit',
  });
}

/** A Worker under wrangler dev with a fresh database, and the built console in front of it. */
export async function startConsoleStack(ports = { api: 8931, console: 5171 }): Promise<ConsoleStack> {
  ensureBuild();
  const persistTo = mkdtempSync(join(tmpdir(), 'edgelive-console-e2e-'));
  const worker = await startWorker({ port: ports.api, persistTo });
  const served = await serveConsole({ port: ports.console, apiUrl: worker.url });
  return {
    worker,
    console: served,
    async stop() {
      await served.close();
      await worker.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
