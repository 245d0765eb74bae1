import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './lib/worker-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgelive-api-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (file: string, ...args: string[]) =>
  spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/api-types.ts'), '--file', file, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('console API types check (scripts/api-types.ts)', () => {
  it('passes on the committed types and fails, naming the line, when one operation drifts', () => {
    const copy = join(dir, 'schema.d.ts');
    copyFileSync(join(ROOT, 'dashboard/src/api/schema.d.ts'), copy);
    expect(run(copy).status).toBe(0);

    const drifted = readFileSync(copy, 'utf8').replace('* Create an API key;', '* Make an API key;');
    writeFileSync(copy, drifted);
    const res = run(copy);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/out of step with the OpenAPI document \(first difference at line \d+\)/);
    expect(res.stderr).toContain('Make an API key');

    // --write brings it back in step.
    expect(run(copy, '--write').status).toBe(0);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(join(ROOT, 'dashboard/src/api/schema.d.ts'), 'utf8'));
  }, 300_000);
});
