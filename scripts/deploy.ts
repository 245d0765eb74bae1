/**
 * `./edgelive deploy`: the README's "Deploying" steps, run with wrangler against your own
 * Cloudflare account. Idempotent: what exists is reused (the database, the bucket, the secrets it
 * generated, kept mode 600 in `.edgelive/deploy/<name>/`), so a re-run after an upgrade applies the
 * new migrations and redeploys.
 *
 *   ./edgelive deploy --dry-run            prints every step and validates what it can without
 *                                          Cloudflare: the generated config bundles (wrangler
 *                                          deploy --dry-run), the migrations and the secrets
 *   ./edgelive deploy [--name edgelive] [--d1 <db>] [--bucket <r2>] [--pages <project>] [--docs-pages <project>] [--origin-id orig_main]
 *                     [--media-expire-days <n>]  (an R2 lifecycle rule deleting every object older than n days)
 */

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lifecycleProblems, lifecycleRules } from './lib/r2-lifecycle.ts';
import { ROOT, WRANGLER_ENV } from './lib/worker-process.ts';

const { values: opts } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    name: { type: 'string', default: 'edgelive' },
    d1: { type: 'string' },
    bucket: { type: 'string' },
    pages: { type: 'string' },
    'docs-pages': { type: 'string' },
    'origin-id': { type: 'string', default: 'orig_main' },
    'media-expire-days': { type: 'string' },
  },
});
const dry = opts['dry-run']!;
const name = opts.name!;
const d1 = opts.d1 ?? name;
const bucket = opts.bucket ?? `${name}-media`;
const pages = opts.pages ?? `${name}-console`;
const docsPages = opts['docs-pages'] ?? `${name}-docs`;
const originId = opts['origin-id']!;

function fail(message: string): never {
  console.error(`deploy: ${message}`);
  process.exit(1);
}
// Cloudflare's rules for Worker, D1, R2 and Pages names, checked before anything is created.
for (const [what, v] of [
  ['--name', name],
  ['--d1', d1],
  ['--bucket', bucket],
  ['--pages', pages],
  ['--docs-pages', docsPages],
] as const) {
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(v))
    fail(`${what} "${v}": use 3-63 of a-z 0-9 and -, not at either end`);
}
if (!/^orig_[a-z0-9_]{1,40}$/.test(originId)) fail(`--origin-id "${originId}": use orig_ and a-z 0-9 _`);
const expireArg = opts['media-expire-days'];
if (expireArg !== undefined && !/^[1-9]\d{0,4}$/.test(expireArg))
  fail(`--media-expire-days "${expireArg}": a whole number of days, 1-99999`);

const STATE = join(process.env.EDGELIVE_HOME ?? join(ROOT, '.edgelive'), 'deploy', name);
mkdirSync(STATE, { recursive: true });
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');
let step = 0;

/** Runs (or, in a dry run, prints) one wrangler command; `ok` accepts an expected refusal. */
function wrangler(title: string, args: string[], ok: (out: string) => boolean = () => false): string {
  step++;
  console.log(`\n[${step}] ${title}\n    $ wrangler ${args.join(' ')}`);
  if (dry) return '';
  const res = spawnSync(WRANGLER, args, { cwd: ROOT, env: { ...WRANGLER_ENV, CI: '' }, encoding: 'utf8' });
  const out = `${res.stdout}${res.stderr}`;
  if (res.status !== 0 && !ok(out)) fail(`${title} failed:\n${out}`);
  return out;
}

// 1. Who: wrangler must be logged in (wrangler login, or CLOUDFLARE_API_TOKEN).
wrangler('Check the Cloudflare login', ['whoami']);

// 2-3. The database and the bucket: created, or reused when they exist.
const created = wrangler(`Create the D1 database ${d1} (or reuse it)`, ['d1', 'create', d1], (o) =>
  /already exists/i.test(o),
);
let databaseId = created.match(/"database_id":\s*"([0-9a-f-]{36})"/)?.[1];
if (!databaseId && !dry) {
  const info = wrangler(`Look up ${d1}'s id`, ['d1', 'info', d1, '--json']);
  databaseId = (JSON.parse(info) as { uuid?: string }).uuid;
}
databaseId ??= '00000000-0000-0000-0000-000000000000';
wrangler(`Create the R2 bucket ${bucket} (or reuse it)`, ['r2', 'bucket', 'create', bucket], (o) =>
  /already exists|already own/i.test(o),
);

// 3b. The bucket's lifecycle rules (scripts/lib/r2-lifecycle.ts), checked before they are sent.
const lifecycle = lifecycleRules({ expireDays: expireArg === undefined ? undefined : Number(expireArg) });
const lifecycleProblemsFound = lifecycleProblems(lifecycle);
if (lifecycleProblemsFound.length) fail(`R2 lifecycle rules: ${lifecycleProblemsFound.join('; ')}`);
const lifecyclePath = join(STATE, 'r2-lifecycle.json');
writeFileSync(lifecyclePath, `${JSON.stringify(lifecycle, null, 2)}\n`);
wrangler(`Set the R2 lifecycle rules of ${bucket} (${lifecycle.rules.map((r) => r.id).join(', ')})`, [
  'r2',
  'bucket',
  'lifecycle',
  'set',
  bucket,
  '--file',
  lifecyclePath,
  '--force',
]);

// 4. The deployment's config: the repo's wrangler.jsonc with this account's names and ids.
const base = JSON.parse(readFileSync(join(ROOT, 'wrangler.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<
  string,
  unknown
> & {
  d1_databases: { database_name: string; database_id: string; migrations_dir: string }[];
  r2_buckets: { bucket_name: string }[];
  build: { command: string; cwd?: string };
  assets: { directory: string };
};
const config = {
  ...base,
  $schema: undefined,
  name,
  main: join(ROOT, String(base.main)),
  d1_databases: base.d1_databases.map((d) => ({
    ...d,
    database_name: d1,
    database_id: databaseId,
    migrations_dir: join(ROOT, d.migrations_dir),
  })),
  r2_buckets: base.r2_buckets.map((b) => ({ ...b, bucket_name: bucket })),
  build: { ...base.build, cwd: ROOT },
  assets: { ...base.assets, directory: join(ROOT, base.assets.directory) },
  vars: { ...(base.vars as object), ENVIRONMENT: 'production' },
};
const configPath = join(STATE, 'wrangler.json');
writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
step++;
console.log(`\n[${step}] Write the deployment's config\n    ${configPath}`);

// 5. The schema.
const migrations = readdirSync(join(ROOT, 'migrations')).filter((f) => /^\d{4}_.*\.sql$/.test(f));
if (!migrations.length) fail('no migrations in migrations/');
wrangler(`Apply ${migrations.length} migrations (${migrations.at(-1)} last)`, [
  'd1',
  'migrations',
  'apply',
  'DB',
  '--remote',
  '-c',
  configPath,
]);

// 6. Secrets: generated once, never the development values, reused on every re-run.
const REQUIRED = ['SESSION_SECRET', 'PLAYBACK_GRANT_SECRET', 'MEDIA_KEY_SECRET', 'DATA_ENCRYPTION_KEY'];
const secretsPath = join(STATE, 'secrets.json');
const secrets = existsSync(secretsPath)
  ? (JSON.parse(readFileSync(secretsPath, 'utf8')) as Record<string, string>)
  : Object.fromEntries(REQUIRED.map((n) => [n, randomBytes(48).toString('base64url')]));
const origins = JSON.parse(secrets.ORIGIN_SECRETS ?? '{}') as Record<string, string>;
origins[originId] ??= randomBytes(32).toString('hex');
secrets.ORIGIN_SECRETS = JSON.stringify(origins);
for (const n of REQUIRED) {
  const v = secrets[n];
  if (!v || v.length < 32 || v.startsWith('dev-only-')) fail(`${secretsPath}: ${n} is not a real secret`);
}
writeFileSync(secretsPath, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
wrangler(`Set ${Object.keys(secrets).length} secrets (kept in ${secretsPath}, mode 600)`, [
  'secret',
  'bulk',
  secretsPath,
  '-c',
  configPath,
]);

// 7. The Worker. A dry run bundles it for real, which validates the generated config.
if (dry) {
  step++;
  console.log(`\n[${step}] Deploy the Worker ${name}\n    $ wrangler deploy -c ${configPath}`);
  const out = join(STATE, 'bundle');
  const res = spawnSync(WRANGLER, ['deploy', '--dry-run', '--outdir', out, '-c', configPath], {
    cwd: ROOT,
    env: WRANGLER_ENV,
    encoding: 'utf8',
  });
  if (res.status !== 0) fail(`the generated config does not bundle:\n${res.stdout}${res.stderr}`);
  console.log(`    dry run: the Worker bundles with the generated config (${out})`);
} else {
  wrangler(`Deploy the Worker ${name}`, ['deploy', '-c', configPath]);
}

// 8. The console on Pages.
step++;
console.log(`\n[${step}] Build the console\n    $ npm run build -w dashboard`);
if (!dry) {
  const res = spawnSync('npm', ['run', 'build', '-w', 'dashboard'], { cwd: ROOT, stdio: 'inherit' });
  if (res.status !== 0) fail('the console did not build');
}
wrangler(
  `Create the Pages project ${pages} (or reuse it)`,
  ['pages', 'project', 'create', pages, '--production-branch', 'main'],
  (o) => /already exists/i.test(o),
);
wrangler(`Deploy the console to ${pages}`, ['pages', 'deploy', join(ROOT, 'dashboard/dist'), '--project-name', pages]);

// 9. The docs site on Pages (scripts/docs.ts: static pages, the API reference from this Worker's document).
step++;
const docsOut = join(STATE, 'docs-site');
console.log(`\n[${step}] Build the docs site\n    $ tsx scripts/docs.ts --out ${docsOut}`);
if (!dry) {
  const res = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/docs.ts'), '--out', docsOut], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (res.status !== 0) fail('the docs site did not build');
}
wrangler(
  `Create the Pages project ${docsPages} (or reuse it)`,
  ['pages', 'project', 'create', docsPages, '--production-branch', 'main'],
  (o) => /already exists/i.test(o),
);
wrangler(`Deploy the docs to ${docsPages}`, ['pages', 'deploy', docsOut, '--project-name', docsPages]);

// 10. What the origin needs.
console.log(`\n[${step + 1}] Origin settings (docs/origin.md):
    EDGELIVE_ORIGIN_ID=${originId}
    EDGELIVE_ORIGIN_SECRET=${origins[originId]}
    EDGELIVE_WORKER_URL=https://${name}.<your-subdomain>.workers.dev
\nThen set CONSOLE_URL to the Pages URL (wrangler secret put CONSOLE_URL -c ${configPath}).
${dry ? 'Dry run: nothing was created. Checked: names, migrations, secrets, the R2 lifecycle rules, and that the Worker bundles with the generated config.' : 'Deployed.'}`);
