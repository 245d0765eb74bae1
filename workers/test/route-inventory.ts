import { call } from './helpers';

export interface RouteOp {
  method: string;
  /** OpenAPI path under /v1, e.g. `/apps/{app_id}/api-keys/{key_id}`. */
  path: string;
  /** Whether the operation declares a request body (and so must validate one). */
  hasBody: boolean;
}

/**
 * Every operation in the served OpenAPI document. The matrices iterate over it, so a route added
 * later is covered without editing them (and a route whose path parameter has no fixture fails
 * loudly instead of being skipped).
 */
export async function allOperations(): Promise<RouteOp[]> {
  const doc = await call('/v1/openapi.json');
  const ops: RouteOp[] = [];
  for (const [path, methods] of Object.entries(
    doc.json.paths as Record<string, Record<string, { requestBody?: unknown }>>,
  )) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path: path.replace(/^\/v1/, ''),
        hasBody: op.requestBody !== undefined,
      });
    }
  }
  return ops;
}

/** Fills `{param}` placeholders from `ids`; throws naming the first param without a value. */
export function fill(path: string, ids: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = ids[name];
    if (!v) throw new Error(`No fixture id for path parameter {${name}} in ${path}: add one to the matrix.`);
    return v;
  });
}
