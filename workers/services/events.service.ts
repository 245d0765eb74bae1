import { and, eq, gte, lte, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { events } from '../../core/db/schema/index';
import { findInApp, pageInApp } from './app-rows';

/** SQL for the type patterns; `x.*` compares a prefix (LIKE would treat the `_` in `api_key` as a wildcard). */
function typeFilter(patterns: string[]): SQL | undefined {
  if (!patterns.length || patterns.includes('*')) return undefined;
  return or(
    ...patterns.map((p) => {
      if (!p.endsWith('.*')) return eq(events.type, p);
      const prefix = p.slice(0, -1);
      return sql`substr(${events.type}, 1, ${prefix.length}) = ${prefix}`;
    }),
  );
}

export interface EventFilters {
  /** Distinct patterns, already capped by the route (each costs up to two bound parameters). */
  types: string[];
  objectId?: string;
  since?: string;
  until?: string;
}

/** A page of the app's events, newest first (`limit + 1` rows, for pageOf). */
export function listEvents(db: Db, appId: string, f: EventFilters, page: { limit: number; cursor?: string }) {
  return pageInApp(
    db,
    events,
    appId,
    page,
    and(
      typeFilter(f.types),
      f.objectId ? eq(events.objectId, f.objectId) : undefined,
      f.since ? gte(events.createdAt, Date.parse(f.since)) : undefined,
      f.until ? lte(events.createdAt, Date.parse(f.until)) : undefined,
    ),
  );
}

export const findEvent = (db: Db, appId: string, eventId: string) =>
  findInApp(db, events, 'event', 'event', appId, eventId);
