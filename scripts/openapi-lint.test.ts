import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conventionProblems, lintOpenApi } from './lib/openapi-lint.ts';
import { ROOT } from './lib/worker-process.ts';

type Security = Record<string, string[]>[];

/** The smallest document the recommended rules pass, to break one thing at a time. */
const good = () => ({
  openapi: '3.1.0',
  info: { title: 't', version: '1', license: { name: 'MIT', identifier: 'MIT' } },
  servers: [{ url: 'http://127.0.0.1:8787' }],
  tags: [{ name: 'Things', description: 'Things.' }],
  components: { securitySchemes: { api_key: { type: 'http', scheme: 'bearer' } } },
  paths: {
    '/v1/things': {
      get: {
        operationId: 'listThings',
        summary: 'List things',
        tags: ['Things'],
        security: [{ api_key: [] }] as Security,
        responses: { 200: { description: 'OK' }, 400: { description: 'Bad' } },
      },
      post: {
        operationId: 'createThing',
        summary: 'Create a thing',
        tags: ['Things'],
        security: [{ api_key: [] }] as Security,
        responses: { 201: { description: 'Created' }, 400: { description: 'Bad' } },
      },
    },
  },
});

describe('OpenAPI lint (scripts/openapi-lint.ts)', () => {
  it("passes the Worker's document: recommended rules with 0 errors, every operation named and secured", () => {
    const res = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/openapi-lint.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(res.stdout).toContain('openapi lint: 0 errors');
    expect(res.stdout).toContain('openapi conventions: 0 problems');
    expect(res.status).toBe(0);
  }, 180_000);

  it('catches a missing security, a duplicated or missing operationId, an unknown scheme', async () => {
    expect(await lintOpenApi(good())).toEqual([]);
    expect(conventionProblems(good())).toEqual([]);

    const noSecurity = good();
    delete (noSecurity.paths['/v1/things'].get as { security?: unknown }).security;
    expect((await lintOpenApi(noSecurity)).map((p) => p.rule)).toContain('security-defined');
    expect(conventionProblems(noSecurity)).toEqual([expect.stringContaining('GET /v1/things: no security')]);

    const duplicate = good();
    duplicate.paths['/v1/things'].post.operationId = 'listThings';
    expect((await lintOpenApi(duplicate)).map((p) => p.rule)).toContain('operation-operationId-unique');
    expect(conventionProblems(duplicate)).toEqual([expect.stringContaining('also on GET /v1/things')]);

    const unnamed = good();
    delete (unnamed.paths['/v1/things'].post as { operationId?: string }).operationId;
    expect(conventionProblems(unnamed)).toEqual(['POST /v1/things: no operationId']);

    const stranger = good();
    stranger.paths['/v1/things'].get.security = [{ cookie: [] }];
    expect(conventionProblems(stranger)).toEqual(['GET /v1/things: unknown security scheme cookie']);
  });
});
