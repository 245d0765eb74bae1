import { EVENT_CATALOG, EVENT_TYPES, type EventType, eventTypeMatches } from '@edgelive/shared';

/**
 * `webhook_endpoint.test` goes to the one endpoint it is sent to whatever it subscribes to, so
 * offering it as a subscription would promise nothing.
 */
const PICKABLE = EVENT_TYPES.filter((t) => t !== 'webhook_endpoint.test');

export interface EventFamily {
  /** The wildcard pattern for the whole family, e.g. `stream.*`. */
  pattern: string;
  types: { type: EventType; description: string }[];
}

/** The catalog grouped by its first segment, in catalog order. */
export function eventFamilies(): EventFamily[] {
  const byPrefix = new Map<string, EventFamily>();
  for (const type of PICKABLE) {
    const pattern = `${type.split('.')[0]}.*`;
    const f = byPrefix.get(pattern) ?? { pattern, types: [] };
    f.types.push({ type, description: EVENT_CATALOG[type].description });
    byPrefix.set(pattern, f);
  }
  return [...byPrefix.values()];
}

/** Whether a pattern already covers `type` through a wider pattern than itself (`*`, `stream.*`). */
export const coveredByWider = (value: readonly string[], type: string) =>
  value.some((p) => p !== type && eventTypeMatches(p, type));

/**
 * Adds or removes one pattern. Picking something specific drops `*`; picking a family drops the
 * exact types it now covers, so what is saved is the smallest list that means the same.
 */
export function togglePattern(value: readonly string[], pattern: string): string[] {
  if (value.includes(pattern)) return value.filter((p) => p !== pattern);
  if (pattern === '*') return ['*'];
  const rest = value.filter((p) => p !== '*' && !(pattern.endsWith('.*') && eventTypeMatches(pattern, p)));
  return [...rest, pattern];
}
