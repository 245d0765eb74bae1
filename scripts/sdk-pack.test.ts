import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshProject, packWorkspace, typecheckReadmeSnippets } from './lib/pack-check.ts';
import { ROOT } from './lib/worker-process.ts';

/**
 * What a customer gets from npm: `npm pack` of @edgelive/node (its prepack builds it) holds built
 * JavaScript and types, and a fresh project that installs the tarball type-checks every TypeScript
 * snippet of the package's README against it, with the same TypeScript the repo uses.
 */
const dir = mkdtempSync(join(tmpdir(), 'edgelive-sdk-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm pack of @edgelive/node', () => {
  it('contains built files and types, and its README snippets type-check in a fresh project', () => {
    const { tarball, files } = packWorkspace(dir, '@edgelive/node');
    expect(files).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/schema.d.ts', 'README.md', 'package.json']),
    );
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);

    const app = freshProject(dir, tarball, ['@types/node@22']);
    const { snippets, out } = typecheckReadmeSnippets(app, join(ROOT, 'packages/node/README.md'), {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      types: ['node'],
    });
    expect(snippets).toBeGreaterThanOrEqual(3);
    expect(out).toBe('');
  }, 400_000);
});
