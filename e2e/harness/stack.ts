import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../scripts/lib/api-client.ts';
import { type DemoSeed, seedDemo } from '../../scripts/lib/seed.ts';
import { startWorker, type WorkerHandle } from '../../scripts/lib/worker-process.ts';

export { ApiClient, startWorker, type WorkerHandle };

export interface TestStack {
  worker: WorkerHandle;
  /** Demo account, app, API key and signing key, as `./edgelive start` seeds them. */
  demo: DemoSeed;
  /** Customer calls with the demo API key (`/v1/streams`, ...). */
  api: ApiClient;
  /** Console calls with the demo session (`/v1/apps/{app_id}/...`). */
  console: ApiClient;
  stop: () => Promise<void>;
}

/**
 * A fresh Worker under `wrangler dev` with its own empty local state, seeded like `npm start`.
 * End-to-end tests start one per file (ports must differ per file) and stop it in afterAll.
 */
export async function startTestStack(opts: { port: number; vars?: Record<string, string> }): Promise<TestStack> {
  const persistTo = mkdtempSync(join(tmpdir(), 'edgelive-e2e-'));
  const worker = await startWorker({ port: opts.port, persistTo, vars: opts.vars });
  try {
    const demo = await seedDemo(worker.url);
    return {
      worker,
      demo,
      api: new ApiClient(worker.url, demo.api_key.token),
      console: new ApiClient(worker.url, demo.account.session_token),
      stop: async () => {
        await worker.stop();
        rmSync(persistTo, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await worker.stop();
    throw err;
  }
}
