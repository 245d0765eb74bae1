import { type ServedConsole, serveConsole } from '../../dashboard/serve.ts';
import { ensureConsoleBuild } from '../../scripts/lib/console-build.ts';
import { startTestStack, type TestStack, type WorkerHandle } from '../harness/stack.ts';

export interface ConsoleStack {
  worker: WorkerHandle;
  /** The seeded demo tenant and API clients of the shared harness. */
  stack: TestStack;
  console: ServedConsole;
  stop(): Promise<void>;
}

/** The shared harness's fresh, seeded Worker, and the built console in front of it. */
export async function startConsoleStack(ports = { api: 8931, console: 5171 }): Promise<ConsoleStack> {
  ensureConsoleBuild(process.env.E2E_REBUILD === '1');
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
