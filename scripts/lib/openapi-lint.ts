import { createConfig, lintFromString } from '@redocly/openapi-core';

export interface LintProblem {
  severity: 'error' | 'warn';
  rule: string;
  message: string;
  /** JSON pointer of the first location, e.g. `#/paths/~1v1~1streams/get`. */
  pointer: string;
}

/**
 * Lints an OpenAPI document with Redocly's `recommended` rule set (the engine of `@redocly/cli
 * lint`, run in-process: no config file, no network). Used by scripts/openapi-lint.ts and its tests.
 */
export async function lintOpenApi(doc: unknown): Promise<LintProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({
    source: JSON.stringify(doc),
    absoluteRef: 'openapi.json',
    config,
  });
  return problems.map((p) => ({
    severity: p.severity === 'error' ? 'error' : 'warn',
    rule: p.ruleId,
    message: p.message,
    pointer: p.location[0]?.pointer ?? '',
  }));
}

export const formatProblems = (problems: readonly LintProblem[]) =>
  problems.map((p) => `${p.severity.padEnd(5)} ${p.rule}: ${p.message} (${p.pointer})`).join('\n');

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
}
interface Document {
  servers?: { url: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

const OPERATION_ID = /^[a-z][a-zA-Z0-9]*$/;

/**
 * What the recommended rules leave as warnings or do not check, and generators need: every
 * operation has a unique camelCase operationId, a summary, a declared tag, and its own `security`
 * (public ones say `[]`) naming only declared schemes; the document has `servers`.
 */
export function conventionProblems(doc: Document): string[] {
  const out: string[] = [];
  if (!doc.servers?.length) out.push('the document has no servers');
  const schemes = new Set(Object.keys(doc.components?.securitySchemes ?? {}));
  const tags = new Set((doc.tags ?? []).map((t) => t.name));
  const seen = new Map<string, string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const at = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) out.push(`${at}: no operationId`);
      else if (!OPERATION_ID.test(op.operationId)) out.push(`${at}: operationId ${op.operationId} is not camelCase`);
      else if (seen.has(op.operationId))
        out.push(`${at}: operationId ${op.operationId} also on ${seen.get(op.operationId)}`);
      else seen.set(op.operationId, at);
      if (!op.summary) out.push(`${at}: no summary`);
      if (!op.tags?.length) out.push(`${at}: no tags`);
      for (const t of op.tags ?? []) if (!tags.has(t)) out.push(`${at}: tag ${t} is not in the document's tags`);
      if (!Array.isArray(op.security)) out.push(`${at}: no security (public operations declare security: [])`);
      for (const req of op.security ?? []) {
        for (const s of Object.keys(req)) if (!schemes.has(s)) out.push(`${at}: unknown security scheme ${s}`);
      }
    }
  }
  return out;
}
