import { requiredScope } from './api-scopes';
import type { OpenApiDoc } from './openapi-params';

/**
 * Writes the scope each app-resource operation needs into the OpenAPI document, twice over: as
 * `x-required-scope` (easy to read) and as the operation's `security` requirement (what OpenAPI
 * tools understand: an API key, as Bearer or Basic, with that scope; on the console's
 * `/v1/apps/{app_id}/...` mount a console session too). A route that names its own `security`
 * (the room sockets) keeps it. The schemes are declared in openapi-conventions.ts.
 */
type Op = OpenApiDoc['paths'][string][string] & {
  'x-required-scope'?: string;
  security?: Record<string, string[]>[];
  description?: string;
  operationId?: string;
};

export function annotateScopes(doc: OpenApiDoc, mountNames: readonly string[]): OpenApiDoc {
  const names = new Set(mountNames);
  for (const [path, ops] of Object.entries(doc.paths)) {
    const name = path.match(/^\/v1\/(?:apps\/\{app_id\}\/)?([^/]+)/)?.[1];
    if (!name || !names.has(name)) continue;
    const consoleMount = path.startsWith('/v1/apps/{app_id}/');
    for (const [method, op] of Object.entries(ops) as [string, Op][]) {
      if (op.security) continue;
      const scope = requiredScope(name, method);
      op['x-required-scope'] = scope;
      const keys: Record<string, string[]>[] = [{ api_key: [scope] }, { api_key_basic: [scope] }];
      op.security = consoleMount ? [{ console_session: [] }, { session_token: [] }, ...keys] : keys;
      op.description = `${op.description ? `${op.description}\n\n` : ''}API keys need the scope \`${scope}\`.`;
      // One route definition serves both mounts; operation ids must be unique, so the console's copy gets its own.
      if (op.operationId && path.startsWith('/v1/apps/{app_id}/')) op.operationId = `${op.operationId}ForApp`;
    }
  }
  return doc;
}
