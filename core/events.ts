import type { EventEnvelope, EventType } from '@edgelive/shared';
import { matchesAnyPattern } from '@edgelive/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { createDb } from './db/client';
import { apps, events, webhookEndpoints } from './db/schema/index';
import type { Env } from './env';
import { newId } from './ids';
import { webhookStub } from './stubs';
import { iso } from './time';

export interface NewEvent {
  appId: string;
  /** A type from the catalog in @edgelive/shared (e.g. `stream.active`). */
  type: EventType;
  objectType: string;
  objectId: string;
  /** The object as the API renders it. */
  data: Record<string, unknown>;
}

/**
 * The one way anything (routes, Durable Objects) records a lifecycle event: stored for
 * `GET /v1/events`, then queued for every subscribed webhook endpoint before this returns, so
 * events emitted one after another about the same object are delivered in that order.
 */
export async function emitEvent(env: Env, e: NewEvent) {
  const row = { id: newId('event'), ...e, createdAt: Date.now() };
  await createDb(env.DB).insert(events).values(row);
  await enqueueEvent(env, row);
  return row;
}

/**
 * Org-level events (members) have no app of their own. Events, endpoints and API keys all belong
 * to an app, so the event is recorded once in every app of the org (archived ones excluded), each
 * with its own id: every app's backend hears about it, and no app sees another's event ids.
 */
export async function emitOrgEvent(env: Env, orgId: string, e: Omit<NewEvent, 'appId'>) {
  const rows = await createDb(env.DB)
    .select({ id: apps.id })
    .from(apps)
    .where(and(eq(apps.orgId, orgId), isNull(apps.archivedAt)));
  return Promise.all(rows.map((a) => emitEvent(env, { ...e, appId: a.id })));
}

export const renderEvent = (r: typeof events.$inferSelect): EventEnvelope => ({
  id: r.id,
  type: r.type as EventEnvelope['type'],
  timestamp: iso(r.createdAt)!,
  app_id: r.appId,
  object: { type: r.objectType, id: r.objectId },
  data: r.data,
});

/**
 * Hands a freshly recorded event to every enabled endpoint of its app that subscribes to its type.
 * Awaited by emitEvent: once it returns, each delivery sits in its endpoint's durable queue.
 */
export async function enqueueEvent(env: Env, row: typeof events.$inferSelect) {
  const endpoints = await createDb(env.DB)
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.appId, row.appId), eq(webhookEndpoints.enabled, true)));
  const envelope = renderEvent(row);
  await Promise.all(
    endpoints
      .filter((e) => matchesAnyPattern(e.eventTypes, row.type))
      .map((e) => webhookStub(env, e.id).enqueue(e.id, envelope, row.objectId)),
  );
}
