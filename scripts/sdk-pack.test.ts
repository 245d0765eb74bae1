import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './lib/worker-process.ts';

/**
 * What a customer gets from npm: `npm pack` of @edgelive/node (its prepack builds it) holds built
 * JavaScript and types, and a fresh project that installs the tarball type-checks every TypeScript
 * snippet of the package's README against it, with the same TypeScript the repo uses.
 */
const dir = mkdtempSync(join(tmpdir(), 'edgelive-sdk-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
  });

describe('npm pack of @edgelive/node', () => {
  it('contains built files and types, and its README snippets type-check in a fresh project', () => {
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir, '-w', '@edgelive/node'], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/schema.d.ts', 'README.md', 'package.json']),
    );
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh', private: true, type: 'module' }));
    npm(['install', join(dir, packed[0]!.filename), '@types/node@22'], app);

    const readme = readFileSync(join(ROOT, 'packages/node/README.md'), 'utf8');
    const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    for (const [i, s] of snippets.entries()) writeFileSync(join(app, `snippet${i}.ts`), `${s}\nexport {};\n`);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        include: ['*.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const out = (() => {
      try {
        return execFileSync(process.execPath, [tsc, '-p', app], { cwd: app, encoding: 'utf8', timeout: 120_000 });
      } catch (err) {
        return String((err as { stdout?: string }).stdout ?? err);
      }
    })();
    expect(out).toBe('');
  }, 400_000);
});
