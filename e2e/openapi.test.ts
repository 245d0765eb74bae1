import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conventionProblems, formatProblems, lintOpenApi } from '../scripts/lib/openapi-lint.ts';
import { startWorker, type WorkerHandle } from '../scripts/lib/worker-process.ts';

/**
 * The document as a client gets it: `wrangler dev` serves /v1/openapi.json, and Redocly's
 * recommended rules (the engine of `@redocly/cli lint`) find no error in it.
 */
const PORT = 20800;
let worker: WorkerHandle;
let persistTo: string;
type Doc = Parameters<typeof conventionProblems>[0];
let doc: Doc;

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), 'edgelive-e2e-openapi-'));
  worker = await startWorker({ port: PORT, persistTo });
  doc = (await (await fetch(`${worker.url}/v1/openapi.json`)).json()) as Doc;
});
afterAll(async () => {
  await worker?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

describe('the served OpenAPI document', () => {
  it('lints with 0 errors under the recommended rules', async () => {
    const problems = await lintOpenApi(doc);
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors, formatProblems(errors)).toEqual([]);
  });

  it('names, tags and secures every operation, and points its server at this deployment', () => {
    expect(conventionProblems(doc)).toEqual([]);
    expect(doc.servers).toEqual([{ url: worker.url, description: 'This deployment' }]);
    const ops = Object.values(doc.paths).flatMap((m) => Object.values(m));
    expect(ops.length).toBeGreaterThan(150);
    const byId = new Map(ops.map((op) => [op.operationId, op]));
    // The customer's mount and the console's mount of one resource: both named, each secured as it is.
    expect(byId.get('createStream')?.security).toEqual([
      { api_key: ['streams:write'] },
      { api_key_basic: ['streams:write'] },
    ]);
    expect(byId.get('createStreamInApp')?.security).toContainEqual({ console_session: [] });
    expect(byId.get('signIn')?.security).toEqual([]);
    expect(byId.get('connectRoomSocket')?.security).toEqual([{ chat_token: [] }, {}]);
  });
});
