/**
 * What an API key may do. A scope is `<resource>:read` (GET/HEAD), `<resource>:write` (anything
 * else), `<resource>:*` (both) or `*` (everything: keys made before scopes existed). The resource
 * of a route is the app resource it is mounted under (workers/routes/app-resources.ts), with a few
 * grouped so one scope covers what belongs together.
 */
const GROUPED: Record<string, string> = {
  'chat-bans': 'rooms',
  'webhook-endpoints': 'webhooks',
  events: 'webhooks',
};

export const scopeResourceOf = (mountName: string) => GROUPED[mountName] ?? mountName;

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const requiredScope = (mountName: string, method: string) =>
  `${scopeResourceOf(mountName)}:${READS.has(method.toUpperCase()) ? 'read' : 'write'}`;

export function allows(granted: readonly string[], needed: string): boolean {
  const [resource] = needed.split(':');
  return granted.some((g) => g === '*' || g === needed || g === `${resource}:*`);
}

export const SCOPE_PATTERN = /^(\*|[a-z][a-z-]*:(read|write|\*))$/;

/** The scopes a key may be given: `*` and each resource's read, write and `*`. */
export function scopeCatalog(mountNames: readonly string[]): string[] {
  const resources = [...new Set(mountNames.map(scopeResourceOf))].sort();
  return ['*', ...resources.flatMap((r) => [`${r}:read`, `${r}:write`, `${r}:*`])];
}
