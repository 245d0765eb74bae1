/**
 * Lints the API's OpenAPI document with Redocly's recommended rules, and checks what generators
 * need of it (lib/openapi-lint.ts `conventionProblems`); exits 1 on any error of either.
 *
 *   tsx scripts/openapi-lint.ts               the document the Worker's app builds (no server)
 *   tsx scripts/openapi-lint.ts <url>         a served one, e.g. http://127.0.0.1:8787/v1/openapi.json
 *
 * Prints every problem, then `openapi lint: N errors, N warnings` and `openapi conventions: N problems`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { conventionProblems, formatProblems, lintOpenApi } from './lib/openapi-lint.ts';
import { ROOT } from './lib/worker-process.ts';

const url = process.argv[2];
let doc: unknown;
if (url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  doc = await res.json();
} else {
  // Imported by URL so that this Node-typed script does not typecheck the Worker against Node's types.
  const appModule = pathToFileURL(join(ROOT, 'workers/app.ts')).href;
  doc = ((await import(appModule)) as { openApiDocument: () => unknown }).openApiDocument();
}
const problems = await lintOpenApi(doc);
if (problems.length) console.log(formatProblems(problems));
const errors = problems.filter((p) => p.severity === 'error').length;
console.log(`openapi lint: ${errors} errors, ${problems.length - errors} warnings`);
const conventions = conventionProblems(doc as Parameters<typeof conventionProblems>[0]);
for (const p of conventions) console.log(`error conventions: ${p}`);
console.log(`openapi conventions: ${conventions.length} problems`);
process.exit(errors || conventions.length ? 1 : 0);
