import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lifecycleProblems, lifecycleRules } from './lib/r2-lifecycle.ts';
import { ROOT } from './lib/worker-process.ts';

/** `./edgelive deploy --dry-run`: every step printed in order, the generated config bundles, re-runs keep the secrets. */
const home = mkdtempSync(join(tmpdir(), 'edgelive-deploy-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const deploy = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts/deploy.ts'), '--dry-run', ...args], {
    cwd: ROOT,
    env: { ...process.env, EDGELIVE_HOME: home },
    encoding: 'utf8',
    timeout: 200_000,
  });

describe('./edgelive deploy --dry-run', () => {
  it('prints and checks every step, with generated secrets kept across re-runs', () => {
    const first = deploy('--name', 'acme-live', '--bucket', 'acme-video');
    expect(first.status, first.stderr).toBe(0);
    const titles = [...first.stdout.matchAll(/^\[\d+\] (.*)$/gm)].map((m) => m[1]);
    expect(titles).toEqual([
      'Check the Cloudflare login',
      'Create the D1 database acme-live (or reuse it)',
      'Create the R2 bucket acme-video (or reuse it)',
      'Set the R2 lifecycle rules of acme-video (abort-abandoned-multipart)',
      "Write the deployment's config",
      expect.stringMatching(/^Apply \d+ migrations/),
      expect.stringMatching(/^Set 5 secrets/),
      'Deploy the Worker acme-live',
      'Build the console',
      'Create the Pages project acme-live-console (or reuse it)',
      'Deploy the console to acme-live-console',
      'Build the docs site',
      'Create the Pages project acme-live-docs (or reuse it)',
      'Deploy the docs to acme-live-docs',
      'Origin settings (docs/origin.md):',
    ]);
    expect(first.stdout).toContain('the Worker bundles with the generated config');
    expect(first.stdout).toMatch(/\$ wrangler r2 bucket lifecycle set acme-video --file \S+r2-lifecycle\.json --force/);

    const dir = join(home, 'deploy', 'acme-live');
    const config = JSON.parse(readFileSync(join(dir, 'wrangler.json'), 'utf8'));
    expect(config).toMatchObject({ name: 'acme-live', vars: { ENVIRONMENT: 'production' } });
    expect(config.d1_databases[0].database_name).toBe('acme-live');
    expect(config.r2_buckets[0].bucket_name).toBe('acme-video');
    // The lifecycle file it would send: open multipart uploads aborted a day past the longest upload timeout.
    const lifecycle = JSON.parse(readFileSync(join(dir, 'r2-lifecycle.json'), 'utf8'));
    expect(lifecycle).toEqual({
      rules: [
        {
          id: 'abort-abandoned-multipart',
          enabled: true,
          conditions: { prefix: '' },
          abortMultipartUploadsTransition: { condition: { type: 'Age', maxAge: 8 * 86_400 } },
        },
      ],
    });
    expect(lifecycleProblems(lifecycle)).toEqual([]);
    const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;
    for (const n of ['SESSION_SECRET', 'PLAYBACK_GRANT_SECRET', 'MEDIA_KEY_SECRET', 'DATA_ENCRYPTION_KEY']) {
      expect(secrets[n]!.length).toBeGreaterThanOrEqual(32);
      expect(secrets[n]).not.toMatch(/^dev-only-/);
    }
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const origin = JSON.parse(secrets.ORIGIN_SECRETS!).orig_main as string;
    expect(first.stdout).toContain(`EDGELIVE_ORIGIN_SECRET=${origin}`);

    // Idempotent: a re-run keeps every secret it made.
    expect(deploy('--name', 'acme-live', '--bucket', 'acme-video').status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'))).toEqual(secrets);
  }, 400_000);

  it('checks the R2 lifecycle rules: --media-expire-days adds an expiry, a bad value or a bad rule is refused', () => {
    const withExpiry = lifecycleRules({ expireDays: 400 });
    expect(withExpiry.rules.map((r) => r.id)).toEqual(['abort-abandoned-multipart', 'expire-media']);
    expect(withExpiry.rules[1]!.deleteObjectsTransition!.condition.maxAge).toBe(400 * 86_400);
    expect(lifecycleProblems(withExpiry)).toEqual([]);
    expect(lifecycleProblems({})).toEqual(["the file must hold a 'rules' array"]);
    const bad = {
      rules: [
        {
          id: 'x',
          enabled: true,
          conditions: { prefix: '' },
          deleteObjectsTransition: { condition: { type: 'Age', maxAge: 100 } },
        },
        { id: 'x', enabled: 'yes', conditions: {} },
      ],
    };
    expect(lifecycleProblems(bad)).toEqual([
      'rule 0 (x): an Age condition is a whole number of days, in seconds (at least 86400)',
      'rule 1 (x): the id is used twice',
      'rule 1 (x): enabled must be true or false',
      'rule 1 (x): conditions.prefix must be a string',
      'rule 1 (x): no action',
    ]);
    const res = deploy('--name', 'acme-live', '--media-expire-days', '0');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('--media-expire-days "0"');
  });

  it('refuses a name Cloudflare would refuse, before doing anything', () => {
    const res = deploy('--name', 'Bad_Name');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('--name "Bad_Name"');
  });
});
