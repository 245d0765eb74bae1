import { requiredScope } from './api-scopes';
import type { OpenApiDoc } from './openapi-params';

/**
 * Writes the scope each app-resource operation needs into the OpenAPI document, twice over: as
 * `x-required-scope` (easy to read) and as the operation's `security` requirement (what OpenAPI
 * tools understand: the API key scheme with that scope, or a console session).
 */
type Op = OpenApiDoc['paths'][string][string] & {
  'x-required-scope'?: string;
  security?: Record<string, string[]>[];
  description?: string;
  operationId?: string;
};
type DocWithSecurity = OpenApiDoc & { components?: { securitySchemes?: Record<string, unknown> } };

export function annotateScopes(doc: OpenApiDoc, mountNames: readonly string[]): OpenApiDoc {
  const names = new Set(mountNames);
  for (const [path, ops] of Object.entries(doc.paths)) {
    const name = path.match(/^\/v1\/(?:apps\/\{app_id\}\/)?([^/]+)/)?.[1];
    if (!name || !names.has(name)) continue;
    for (const [method, op] of Object.entries(ops) as [string, Op][]) {
      const scope = requiredScope(name, method);
      op['x-required-scope'] = scope;
      op.security = [{ api_key: [scope] }, { console_session: [] }];
      op.description = `${op.description ? `${op.description}\n\n` : ''}API keys need the scope \`${scope}\`.`;
      // One route definition serves both mounts; operation ids must be unique, so the console's copy gets its own.
      if (op.operationId && path.startsWith('/v1/apps/{app_id}/')) op.operationId = `${op.operationId}ForApp`;
    }
  }
  const out = doc as DocWithSecurity;
  out.components = {
    ...out.components,
    securitySchemes: {
      ...out.components?.securitySchemes,
      api_key: { type: 'http', scheme: 'bearer', description: '`<key_id>:<secret>`; the key decides the app.' },
      console_session: { type: 'apiKey', in: 'cookie', name: 'edgelive_session' },
    },
  };
  return out;
}
