import { createDb } from '../db/client';
import { events } from '../db/schema/index';
import type { Env } from '../env';
import { newId } from '../lib/ids';

export interface NewEvent {
  appId: string;
  /** A type from the catalog in @edgelive/shared (e.g. `stream.active`). */
  type: string;
  objectType: string;
  objectId: string;
  /** The object as the API renders it. */
  data: Record<string, unknown>;
}

/**
 * The one way anything (routes, Durable Objects) records a lifecycle event. It is stored for
 * `GET /v1/events`; webhook delivery picks it up from here.
 */
export async function emitEvent(env: Env, e: NewEvent) {
  const row = { id: newId('event'), ...e, createdAt: Date.now() };
  await createDb(env.DB).insert(events).values(row);
  return row;
}
