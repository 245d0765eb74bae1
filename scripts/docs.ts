/**
 * Builds the docs site: the Markdown under docs/, the SDKs' READMEs and an API reference rendered
 * from the Worker's OpenAPI document, through Eleventy (@11ty/eleventy), into plain static files
 * (every page `<name>.html`, links between pages rewritten from `.md`), deployable to Pages as is.
 *
 *   tsx scripts/docs.ts [--out DIR]        default .edgelive/docs-site
 *
 * Run under tsx: the OpenAPI document comes from the Worker's app module (no server), whose
 * imports are extensionless. scripts/docs.test.ts builds it and checks every internal link.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import Eleventy from '@11ty/eleventy';
import { apiReferencePages, type OpenApiDoc, slug } from './lib/docs-api.ts';
import { DOCS_NAV } from './lib/docs-nav.ts';
import { ROOT } from './lib/worker-process.ts';

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1]! : join(ROOT, '.edgelive/docs-site');
const stage = mkdtempSync(join(tmpdir(), 'edgelive-docs-'));

const walk = (d: string): string[] =>
  readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** Writes a page into the stage with its title (its first heading) as front matter. */
function stagePage(path: string, markdown: string) {
  const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.replace(/`/g, '') ?? path;
  mkdirSync(dirname(join(stage, path)), { recursive: true });
  writeFileSync(join(stage, path), `---\ntitle: ${JSON.stringify(title)}\n---\n${markdown}`);
}

try {
  for (const file of walk(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')))
    stagePage(relative(join(ROOT, 'docs'), file), readFileSync(file, 'utf8'));
  // The SDKs' READMEs are their reference pages; their link to the repo's README is the home page.
  for (const sdk of ['node', 'client'])
    stagePage(
      `sdk/${sdk}.md`,
      readFileSync(join(ROOT, `packages/${sdk}/README.md`), 'utf8').replaceAll('](../../README.md)', '](../index.md)'),
    );

  // Imported by URL so that this Node-typed script does not typecheck the Worker against Node's types.
  const appModule = pathToFileURL(join(ROOT, 'workers/app.ts')).href;
  const doc = ((await import(appModule)) as { openApiDocument: () => OpenApiDoc }).openApiDocument();
  for (const p of apiReferencePages(doc)) stagePage(p.path, p.content);

  const nav = DOCS_NAV.map((s) => ({
    title: s.title,
    pages: s.pages.map((p) => ({ href: `/${p.replace(/\.md$/, '.html')}`, title: p })),
  }));
  const apiPages = apiReferencePages(doc).filter((p) => p.path !== 'api/index.md');
  nav.push({
    title: 'API resources',
    pages: apiPages.map((p) => ({ href: `/${p.path.replace(/\.md$/, '.html')}`, title: p.title })),
  });
  // Nav entries show each page's own title.
  for (const s of nav)
    for (const p of s.pages) {
      const md = readFileSync(join(stage, p.href.slice(1).replace(/\.html$/, '.md')), 'utf8');
      p.title = /^title: (".*")$/m.exec(md)?.[1] ? (JSON.parse(/^title: (".*")$/m.exec(md)![1]!) as string) : p.title;
    }
  mkdirSync(join(stage, '_includes'), { recursive: true });
  writeFileSync(join(stage, '_includes/layout.liquid'), LAYOUT(nav));

  rmSync(out, { recursive: true, force: true });
  const site = new Eleventy(stage, out, {
    quietMode: true,
    config(cfg: EleventyConfig) {
      cfg.setTemplateFormats(['md']);
      cfg.addGlobalData('layout', 'layout.liquid');
      // Markdown is Markdown: `{{` in a snippet is not a template.
      cfg.addGlobalData('templateEngineOverride', 'md');
      // Every page `<name>.html` beside the others, as its .md sat in docs/.
      cfg.addGlobalData(
        'permalink',
        () => (data: { page: { inputPath: string } }) =>
          `/${relative(stage, data.page.inputPath).replace(/\.md$/, '.html')}`,
      );
      cfg.amendLibrary('md', (md: MarkdownIt) => {
        // Headings get ids (GitHub's way), so `page.md#a-heading` works on the site as on GitHub.
        md.core.ruler.push('heading_ids', (state) => {
          const seen = new Map<string, number>();
          state.tokens.forEach((t, i) => {
            if (t.type !== 'heading_open' || t.attrGet('id')) return;
            const base = slug(state.tokens[i + 1]?.content ?? '');
            const n = seen.get(base) ?? 0;
            seen.set(base, n + 1);
            t.attrSet('id', n ? `${base}-${n}` : base);
          });
        });
      });
      cfg.addTransform('md-links', (content: string) =>
        content.replace(/(href="[^":#"]*?)\.md((?:#[^"]*)?")/g, '$1.html$2'),
      );
    },
  });
  await site.write();
  // Images the pages show (docs/img), beside them as in the repository.
  if (existsSync(join(ROOT, 'docs/img'))) cpSync(join(ROOT, 'docs/img'), join(out, 'img'), { recursive: true });
  writeFileSync(join(out, 'api/openapi.json'), JSON.stringify(doc, null, 2));
  console.log(`docs: ${walk(out).filter((f) => f.endsWith('.html')).length} pages in ${out}`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

interface MarkdownIt {
  core: {
    ruler: {
      push(
        name: string,
        fn: (state: {
          tokens: {
            type: string;
            content: string;
            attrGet(n: string): string | null;
            attrSet(n: string, v: string): void;
          }[];
        }) => void,
      ): void;
    };
  };
}
interface EleventyConfig {
  setTemplateFormats(f: string[]): void;
  addGlobalData(name: string, value: unknown): void;
  amendLibrary(name: 'md', fn: (md: MarkdownIt) => void): void;
  addTransform(name: string, fn: (content: string) => string): void;
}

function LAYOUT(nav: { title: string; pages: { href: string; title: string }[] }[]): string {
  const links = nav
    .map(
      (s) =>
        `<h4>${esc(s.title)}</h4><ul>${s.pages.map((p) => `<li><a href="${p.href}">${esc(p.title)}</a></li>`).join('')}</ul>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{ title }} · Edgelive docs</title>
<style>
body{margin:0;font:16px/1.55 system-ui,sans-serif;color:#1f2328;display:flex}
nav{width:250px;flex:none;padding:1rem;border-right:1px solid #d0d7de;height:100vh;overflow:auto;position:sticky;top:0;font-size:14px;box-sizing:border-box}
nav h4{margin:1rem 0 .3rem;font-size:12px;text-transform:uppercase;color:#57606a}nav ul{list-style:none;margin:0;padding:0}nav li{margin:.15rem 0}
nav a{color:#1f2328;text-decoration:none}nav a:hover{text-decoration:underline}
main{max-width:880px;padding:1rem 2rem 4rem;min-width:0}
a{color:#0969da}code{background:#f6f8fa;padding:.1em .3em;border-radius:4px;font-size:90%}
pre{background:#f6f8fa;padding:1rem;overflow:auto;border-radius:6px}pre code{background:none;padding:0}
table{border-collapse:collapse;display:block;overflow:auto;font-size:14px}td,th{border:1px solid #d0d7de;padding:.3rem .6rem;vertical-align:top}
h2 code{font-size:95%}
</style></head>
<body><nav><a href="/index.html"><strong>Edgelive docs</strong></a>${links}</nav>
<main>{{ content }}</main></body></html>`;
}
