/**
 * The docs site's API reference, rendered as Markdown from the Worker's OpenAPI document: one page
 * per tag (every operation with its operationId as the anchor, auth, parameters, body fields and
 * answers) and one page of schemas. Generated at build time, never committed, so it cannot drift.
 */
type Json = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  format?: string;
  additionalProperties?: boolean | Schema;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Json> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
/** Table cells hold one line; pipes would end the cell. */
const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);

export function typeOf(s: Schema | undefined): string {
  if (!s) return '';
  if (s.$ref) return `[${refName(s.$ref)}](schemas.md#${slug(refName(s.$ref))})`;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  const union = s.oneOf ?? s.anyOf;
  if (union) return union.map(typeOf).join(' or ');
  if (s.allOf) return s.allOf.map(typeOf).join(' and ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const base = types
    .map((t) => (t === 'array' ? `${typeOf(s.items) || 'any'}[]` : s.format && t !== 'null' ? `${t} (${s.format})` : t))
    .join(' or ');
  return (base || 'object') + (s.nullable ? ' or null' : '');
}

function fieldTable(s: Schema | undefined, schemas: Record<string, Schema>): string {
  const resolved = s?.$ref ? schemas[refName(s.$ref)] : s;
  if (!resolved?.properties) return s ? `Body: ${typeOf(s)}\n` : '';
  const rows = Object.entries(resolved.properties).map(
    ([name, p]) =>
      `| \`${name}\` | ${typeOf(p)} | ${resolved.required?.includes(name) ? 'yes' : ''} | ${cell(p.description)} |`,
  );
  const named = s?.$ref ? ` ([${refName(s.$ref)}](schemas.md#${slug(refName(s.$ref))}))` : '';
  return `Body${named}:\n\n| field | type | required | what |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`;
}

function operationSection(method: string, path: string, op: Operation, doc: OpenApiDoc): string {
  const schemas = doc.components?.schemas ?? {};
  const id = op.operationId ?? slug(`${method} ${path}`);
  const out = [`<h2 id="${id}"><code>${method.toUpperCase()} ${path}</code></h2>\n`];
  out.push(`**${op.summary ?? id}** · operationId \`${id}\`\n`);
  if (op.description) out.push(`${op.description}\n`);
  const auth = (op.security ?? []).flatMap((r) => Object.keys(r));
  out.push(`Auth: ${auth.length ? auth.map((a) => `\`${a}\``).join(', ') : 'none (public)'}\n`);
  if (op.parameters?.length) {
    out.push('| parameter | in | type | required | what |\n| --- | --- | --- | --- | --- |');
    for (const p of op.parameters)
      out.push(
        `| \`${p.name}\` | ${p.in} | ${typeOf(p.schema)} | ${p.required ? 'yes' : ''} | ${cell(p.description)} |`,
      );
    out.push('');
  }
  const body = op.requestBody?.content?.['application/json']?.schema;
  if (body) out.push(fieldTable(body, schemas));
  const responses = Object.entries(op.responses ?? {});
  if (responses.length) {
    out.push('| status | what | body |\n| --- | --- | --- |');
    for (const [code, r] of responses) {
      const schema = r.content ? Object.values(r.content)[0]?.schema : undefined;
      out.push(`| ${code} | ${cell(r.description)} | ${typeOf(schema)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** `api/index.md`, `api/<tag>.md` for every tag, and `api/schemas.md`. */
export function apiReferencePages(doc: OpenApiDoc): { path: string; title: string; content: string }[] {
  const byTag = new Map<string, string[]>();
  const tagOf = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationSection(method, path, op, doc)]);
      if (op.operationId) tagOf.set(op.operationId, tag);
    }
  }
  const described = new Map((doc.tags ?? []).map((t) => [t.name, t.description ?? '']));
  const pages = [...byTag.entries()].map(([tag, sections]) => ({
    path: `api/${slug(tag)}.md`,
    title: tag,
    content: `# ${tag}\n\n${described.get(tag) ?? ''}\n\n${sections.join('\n')}`,
  }));
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}).map(
    ([name, s]) =>
      `| \`${name}\` | ${cell(String(s.type ?? ''))} ${cell(String(s.scheme ?? s.in ?? ''))} | ${cell(String(s.description ?? ''))} |`,
  );
  const index = [
    `# API reference\n\n${doc.info.description ?? ''}\n`,
    `Version ${doc.info.version}. Generated from the OpenAPI 3.1 document the Worker serves at \`/v1/openapi.json\` ([a copy](openapi.json)); code generators read that file.\n`,
    `## Servers\n\n${(doc.servers ?? []).map((s) => `- \`${s.url}\` ${s.description ?? ''}`).join('\n')}\n`,
    `## Authentication\n\n| scheme | kind | what |\n| --- | --- | --- |\n${schemes.join('\n')}\n`,
    '## Resources\n',
    ...pages.map((p) => `- [${p.title}](${p.path.slice(4)}): ${cell(described.get(p.title)) || `${p.title}`}`),
    '- [Schemas](schemas.md): every named request and response shape',
    '',
  ].join('\n');
  const schemaSections = Object.entries(doc.components?.schemas ?? {}).map(([name, s]) => {
    const table = s.properties ? fieldTable(s, {}).replace(/^Body:\n\n/, '') : `${typeOf(s)}\n`;
    return `<h2 id="${slug(name)}">${name}</h2>\n\n${s.description ? `${s.description}\n\n` : ''}${table}`;
  });
  return [
    { path: 'api/index.md', title: 'API reference', content: index },
    ...pages,
    { path: 'api/schemas.md', title: 'Schemas', content: `# Schemas\n\n${schemaSections.join('\n')}` },
  ];
}
