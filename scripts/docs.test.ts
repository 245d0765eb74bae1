import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenLinks } from './lib/docs-links.ts';
import { ROOT } from './lib/worker-process.ts';

/**
 * The docs site builds (scripts/docs.ts: Eleventy over docs/, the SDK READMEs and the API reference
 * generated from the OpenAPI document) with no broken internal link or anchor, every Markdown page
 * under docs/ becomes a page, and every operation of the document has its anchor in the reference.
 */
const out = mkdtempSync(join(tmpdir(), 'edgelive-docs-site-'));
const walk = (d: string): string[] =>
  readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));

beforeAll(() => {
  execFileSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/docs.ts'), '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
}, 250_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('the docs site', () => {
  it('has a page for every Markdown file, the SDK references and the API reference', () => {
    const built = new Set(walk(out).map((f) => relative(out, f)));
    const sources = walk(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    expect(sources.length).toBeGreaterThan(20);
    for (const md of sources) expect(built).toContain(relative(join(ROOT, 'docs'), md).replace(/\.md$/, '.html'));
    for (const page of ['sdk/node.html', 'sdk/client.html', 'api/index.html', 'api/schemas.html', 'api/openapi.json'])
      expect(built).toContain(page);
  });

  it('has no broken internal link or anchor', () => {
    expect(brokenLinks(out)).toEqual([]);
  });

  it('documents every operation of the OpenAPI document under its operationId', () => {
    const doc = JSON.parse(readFileSync(join(out, 'api/openapi.json'), 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids.length).toBeGreaterThan(200);
    const anchors = new Set(
      walk(join(out, 'api'))
        .filter((f) => f.endsWith('.html'))
        .flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/<h2 id="([^"]+)"><code>/g)].map((m) => m[1])),
    );
    expect(ids.filter((id) => !anchors.has(id))).toEqual([]);
  });

  it('the link check finds a broken link and a missing anchor', () => {
    const site = mkdtempSync(join(tmpdir(), 'edgelive-docs-links-'));
    try {
      writeFileSync(join(site, 'a.html'), '<h1 id="top">A</h1><a href="b.html">b</a><a href="a.html#top">top</a>');
      writeFileSync(join(site, 'c.html'), '<a href="a.html#nowhere">x</a><a href="https://example.com/x">ext</a>');
      expect(brokenLinks(site)).toEqual([
        'a.html -> b.html (no such file)',
        'c.html -> a.html#nowhere (no id "nowhere")',
      ]);
    } finally {
      rmSync(site, { recursive: true, force: true });
    }
  });
});
