import type { OpenApiDoc } from './openapi-params';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * A human-readable reference rendered on the server from the same OpenAPI document, with no
 * script or stylesheet from a CDN, so it works offline and behind strict CSPs.
 */
export function renderReference(doc: OpenApiDoc): string {
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? 'Other';
      const params = (op.parameters ?? []).map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)})`).join(', ');
      const codes = Object.keys(op.responses ?? {}).join(' ');
      const row = `<tr><td><span class="m ${method}">${method.toUpperCase()}</span></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? '')}${params ? `<br><small>${params}</small>` : ''}</td><td><small>${codes}</small></td></tr>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
    }
  }
  const sections = [...byTag]
    .map(([tag, rows]) => `<h2 id="${esc(tag)}">${esc(tag)}</h2><table>${rows.join('')}</table>`)
    .join('');
  const toc = [...byTag.keys()].map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join(' · ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(doc.info.title)} reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#111}table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.4rem;vertical-align:top}code{font-size:13px}.m{font:600 12px monospace;padding:2px 6px;border-radius:4px;background:#eee}.get{background:#d8f3dc}.post{background:#dbeafe}.patch{background:#fef3c7}.delete{background:#fde2e2}</style></head>
<body><h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description ?? '')}</p><p>Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a></p><nav>${toc}</nav>${sections}</body></html>`;
}
