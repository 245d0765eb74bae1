import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ServedConsole, serveConsole } from '../../dashboard/serve.ts';
import { ROOT } from '../../scripts/lib/worker-process.ts';
import { startTestStack, type TestStack, type WorkerHandle } from '../harness/stack.ts';

export interface ConsoleStack {
  worker: WorkerHandle;
  /** The seeded demo tenant and API clients of the shared harness. */
  stack: TestStack;
  console: ServedConsole;
  stop(): Promise<void>;
}

/** Builds the console once per run unless a build is already there (E2E_REBUILD=1 forces one). */
function ensureBuild() {
  const dist = join(ROOT, 'dashboard', 'dist', 'index.html');
  if (existsSync(dist) && process.env.E2E_REBUILD !== '1') return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'],
    {
      cwd: join(ROOT, 'dashboard'),
      stdio: 'inherit',
    },
  );
}

/** The shared harness's fresh, seeded Worker, and the built console in front of it. */
export async function startConsoleStack(ports = { api: 8931, console: 5171 }): Promise<ConsoleStack> {
  ensureBuild();
  const stack = await startTestStack({ port: ports.api });
  const served = await serveConsole({ port: ports.console, apiUrl: stack.worker.url });
  return {
    worker: stack.worker,
    stack,
    console: served,
    async stop() {
      await served.close();
      await stack.stop();
    },
  };
}
