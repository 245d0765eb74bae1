import type { EventType } from '@edgelive/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { createDb } from '../db/client';
import { apps, events } from '../db/schema/index';
import type { Env } from '../env';
import { newId } from '../lib/ids';
import { enqueueEvent } from './webhooks.service';

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
