import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './lib/worker-process.ts';

/**
 * The origin's deployment files, linted where no Docker daemon runs: the Dockerfile with the
 * VS Code Docker extension's linter (`dockerfile-utils`), the compose file against the Dockerfile
 * it builds, and the systemd unit with `systemd-analyze verify`. The image itself is not built here.
 */
const dir = mkdtempSync(join(tmpdir(), 'edgelive-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const verify = (file: string) => spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8', timeout: 60_000 });

describe('origin deployment files', () => {
  it('the Dockerfile lints clean, runs unprivileged and has a health check', () => {
    const dockerfile = read('origin/Dockerfile');
    expect(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    // The linter does find problems.
    expect(validate('FROM node:22\nEXPOSE 99999\nCMD node a.js\nCMD node b.js\n').length).toBeGreaterThan(0);
  });

  it('the compose file builds that Dockerfile and wires what the agent needs', () => {
    const compose = parse(read('origin/compose.yaml')) as {
      services: Record<
        string,
        { build: { context: string; dockerfile: string }; environment: Record<string, string>; ports: string[] }
      >;
    };
    const origin = compose.services.origin!;
    expect(origin.build).toEqual({ context: '..', dockerfile: 'origin/Dockerfile' });
    expect(Object.keys(origin.environment).sort()).toEqual([
      'EDGELIVE_METRICS_HOST',
      'EDGELIVE_METRICS_PORT',
      'EDGELIVE_ORIGIN_ID',
      'EDGELIVE_ORIGIN_SECRET',
      'EDGELIVE_WORKER_URL',
    ]);
    expect(origin.ports).toEqual(['1935:1935']);
  });

  it('the systemd unit verifies, and a broken one does not', () => {
    const unit = join(ROOT, 'origin/edgelive-origin.service');
    const ok = verify(unit);
    expect(`${ok.stdout}${ok.stderr}`).toBe('');
    expect(ok.status).toBe(0);
    const broken = join(dir, 'edgelive-origin.service');
    writeFileSync(
      broken,
      read('origin/edgelive-origin.service').replace('ExecStart=/usr/bin/node', 'ExecStart=node-missing'),
    );
    expect(verify(broken).status).not.toBe(0);
  });
});
