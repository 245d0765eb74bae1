/**
 * `./edgelive check`: what CI runs. Types, lint and format, the console's and the SDK's generated
 * API types against the Worker's OpenAPI document, that document's lint, a deploy dry run (the Worker bundles with wrangler as it
 * would for production), then every test. Stops at the first failing step.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, WRANGLER_ENV } from './lib/worker-process.ts';

const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const steps: [string, string, string[]][] = [
  ['types (workers)', bin('tsc'), ['-p', 'tsconfig.json']],
  ['types (node)', bin('tsc'), ['-p', 'tsconfig.node.json']],
  ['types (origin)', bin('tsc'), ['-p', 'origin']],
  ['types (console)', bin('tsc'), ['-p', 'dashboard']],
  ['types (@edgelive/node)', bin('tsc'), ['-p', 'packages/node']],
  ['lint and format', bin('biome'), ['ci', '.']],
  ['console API types', bin('tsx'), [join(ROOT, 'scripts/api-types.ts')]],
  ['SDK API types', bin('tsx'), [join(ROOT, 'scripts/api-types.ts'), '--file', 'packages/node/src/schema.d.ts']],
  ['OpenAPI lint', bin('tsx'), [join(ROOT, 'scripts/openapi-lint.ts')]],
  ['deploy dry run', bin('wrangler'), ['deploy', '--dry-run', '--outdir', join(ROOT, '.edgelive/dry-run')]],
  ['tests', process.execPath, [join(ROOT, 'scripts/test.ts'), ...process.argv.slice(2)]],
];

for (const [name, cmd, args] of steps) {
  console.log(`\n== ${name}`);
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: WRANGLER_ENV });
  if (res.status !== 0) {
    console.error(`\n${name} failed`);
    // The tests step prints its own count; the earlier ones would leave CI with none.
    if (name !== 'tests') console.log('0 passed, 1 failed');
    process.exit(res.status ?? 1);
  }
}
