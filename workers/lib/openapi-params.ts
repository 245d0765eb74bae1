interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
}
interface Operation {
  parameters?: Parameter[];
  operationId?: string;
}
/** The parts of an OpenAPI document this file and the reference page read. */
export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths: Record<
    string,
    Record<string, Operation & { summary?: string; tags?: string[]; responses?: Record<string, unknown> }>
  >;
}

/**
 * App resources are mounted under `/v1/apps/{app_id}/...` by app.ts, so their own route schemas
 * do not declare `app_id`. OpenAPI requires every templated path segment to be declared; add the
 * missing ones here, once, instead of in every resource.
 */
export function declarePathParams(doc: OpenApiDoc): OpenApiDoc {
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    for (const op of Object.values(ops)) {
      const declared = new Set((op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name));
      const missing = names.filter((n) => !declared.has(n));
      if (missing.length) {
        op.parameters = [
          ...missing.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
          ...(op.parameters ?? []),
        ];
      }
    }
  }
  return doc;
}
