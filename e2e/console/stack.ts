import { type ServedConsole, serveConsole } from '../../dashboard/serve.ts';
import type { OriginOptions, RunningOrigin } from '../../origin/src/origin.ts';
import { ensureConsoleBuild } from '../../scripts/lib/console-build.ts';
import { launchOrigin } from '../harness/live.ts';
import { startTestStack, type TestStack, type WorkerHandle } from '../harness/stack.ts';

export interface ConsoleStack {
  worker: WorkerHandle;
  /** The seeded demo tenant and API clients of the shared harness. */
  stack: TestStack;
  console: ServedConsole;
  /** The real origin (NGINX-RTMP + agent + FFmpeg), when asked for with `rtmpPort`. */
  origin: RunningOrigin | null;
  stop(): Promise<void>;
}

export interface ConsoleStackOptions {
  /** Worker variables, e.g. WEBHOOK_ALLOW_PRIVATE for a receiver on 127.0.0.1. */
  vars?: Record<string, string>;
  /** Starts an origin on this RTMP port, and the console's OBS setup shows its URL. */
  rtmpPort?: number;
  /** More for that origin (e.g. `whip`, so the OBS setup lists a WHIP URL). */
  origin?: Partial<OriginOptions>;
}

/** The shared harness's fresh, seeded Worker, optionally an origin, and the built console in front. */
export async function startConsoleStack(
  ports = { api: 8931, console: 5171 },
  opts: ConsoleStackOptions = {},
): Promise<ConsoleStack> {
  ensureConsoleBuild(process.env.E2E_REBUILD === '1');
  // The console's origin may use the session cookie (credentialed CORS, cookie writes and sockets).
  const consoleOrigin = `http://127.0.0.1:${ports.console}`;
  const stack = await startTestStack({ port: ports.api, vars: { CONSOLE_ORIGINS: consoleOrigin, ...opts.vars } });
  let origin: Awaited<ReturnType<typeof launchOrigin>> | null = null;
  try {
    if (opts.rtmpPort)
      origin = await launchOrigin({
        ...opts.origin,
        originId: 'orig_local',
        workerUrl: stack.worker.url,
        rtmpPort: opts.rtmpPort,
      });
    const served = await serveConsole({ port: ports.console, apiUrl: stack.worker.url, rtmpUrl: origin?.rtmpUrl });
    return {
      worker: stack.worker,
      stack,
      console: served,
      origin,
      async stop() {
        await served.close();
        await origin?.cleanup().catch(() => undefined);
        await stack.stop();
      },
    };
  } catch (err) {
    await origin?.cleanup().catch(() => undefined);
    await stack.stop();
    throw err;
  }
}
