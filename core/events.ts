import type { EventEnvelope, EventType } from '@edgelive/shared';
import { matchesAnyPattern } from '@edgelive/shared';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { createDb, type Db } from './db/client';
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

export type EventRow = typeof events.$inferSelect;

/**
 * The events table is the outbox (DESIGN.md "Events are written in the same D1 batch as the
 * change they describe"): a row is written with `delivered_at` null in the same batch as the
 * change, then handed to the endpoints' objects (`deliverEvents`), then marked delivered. Whatever
 * a failure leaves undelivered, the sweeper (`deliverPending`, run by the Cron Trigger in
 * workers/index.ts) hands over later. Handing over twice is harmless: an endpoint's queue keeps one
 * delivery per event id.
 *
 *   const ev = newEventRow({ appId, type: 'stream.created', ... });
 *   await db.batch([db.insert(streams).values(row), eventStatement(db, ev)]);
 *   await deliverEvents(env, [ev]);
 */
export function newEventRow(e: NewEvent, now = Date.now()): EventRow {
  return { id: newId('event'), ...e, createdAt: now, deliveredAt: null };
}

/** The insert of an outbox row, to put in the `db.batch([...])` of the change it describes. */
export const eventStatement = (db: Db, row: EventRow) => db.insert(events).values(row);

/** Records one event on its own (when there is no other write to batch it with) and delivers it. */
export async function emitEvent(env: Env, e: NewEvent) {
  const row = newEventRow(e);
  await eventStatement(createDb(env.DB), row);
  await deliverEvents(env, [row]);
  return row;
}

/**
 * Org-level events (members) have no app of their own. Events, endpoints and API keys all belong
 * to an app, so the event is recorded once in every app of the org (archived ones excluded), each
 * with its own id: every app's backend hears about it, and no app sees another's event ids.
 */
export async function emitOrgEvent(env: Env, orgId: string, e: Omit<NewEvent, 'appId'>) {
  const db = createDb(env.DB);
  const rows = await orgEventRows(db, orgId, e);
  if (rows.length) await db.batch(rows.map((r) => eventStatement(db, r)) as [ReturnType<typeof eventStatement>]);
  await deliverEvents(env, rows);
  return rows;
}

/** The rows of an org-level event, one per live app, for a caller that batches them itself. */
export async function orgEventRows(db: Db, orgId: string, e: Omit<NewEvent, 'appId'>, now = Date.now()) {
  const rows = await db
    .select({ id: apps.id })
    .from(apps)
    .where(and(eq(apps.orgId, orgId), isNull(apps.archivedAt)));
  return rows.map((a) => newEventRow({ ...e, appId: a.id }, now));
}

export const renderEvent = (r: EventRow): EventEnvelope => ({
  id: r.id,
  type: r.type as EventEnvelope['type'],
  timestamp: iso(r.createdAt)!,
  app_id: r.appId,
  object: { type: r.objectType, id: r.objectId },
  data: r.data,
});

/** D1 allows 100 bound parameters per statement; lists of ids are sent in chunks below that. */
const ID_CHUNK = 90;
const chunks = <T>(xs: T[]) =>
  Array.from({ length: Math.ceil(xs.length / ID_CHUNK) }, (_, i) => xs.slice(i * ID_CHUNK, (i + 1) * ID_CHUNK));

/**
 * Hands committed events to their endpoints and marks them delivered. Never throws: the change
 * they describe is committed, so a failure here must not turn into an error answer (a retrying
 * client would repeat the change); what is left undelivered goes out with the sweeper. Older
 * undelivered events about the same objects go first, so a retry keeps each object's order.
 */
export async function deliverEvents(env: Env, rows: EventRow[]): Promise<void> {
  if (!rows.length) return;
  try {
    const db = createDb(env.DB);
    const objectIds = [...new Set(rows.map((r) => r.objectId))];
    const backlog: EventRow[] = [];
    for (const ids of chunks(objectIds))
      backlog.push(
        ...(await db
          .select()
          .from(events)
          .where(and(inArray(events.objectId, ids), isNull(events.deliveredAt)))),
      );
    const byId = new Map([...backlog, ...rows].map((r) => [r.id, r]));
    await handOver(env, db, [...byId.values()]);
  } catch (err) {
    console.error('events: delivery deferred to the sweeper', err);
  }
}

/** How many undelivered events one sweep hands over; the next sweep takes the rest. */
export const SWEEP_BATCH = 200;

/**
 * The sweeper: hands over every event a failure left undelivered, oldest first. Returns how many
 * it handed over, for logs and tests.
 */
export async function deliverPending(env: Env, limit = SWEEP_BATCH): Promise<number> {
  const db = createDb(env.DB);
  const pending = await db
    .select()
    .from(events)
    .where(isNull(events.deliveredAt))
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(limit);
  return handOver(env, db, pending);
}

/**
 * Queues each event to every enabled endpoint of its app that subscribes to its type, in time
 * order; after an object's event fails, its later events wait too (order per object holds).
 */
async function handOver(env: Env, db: Db, rows: EventRow[]): Promise<number> {
  rows.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const endpointsOf = new Map<string, Promise<(typeof webhookEndpoints.$inferSelect)[]>>();
  const stuck = new Set<string>();
  const done: string[] = [];
  for (const row of rows) {
    if (stuck.has(row.objectId)) continue;
    let endpoints = endpointsOf.get(row.appId);
    if (!endpoints) {
      endpoints = db
        .select()
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.appId, row.appId), eq(webhookEndpoints.enabled, true)));
      endpointsOf.set(row.appId, endpoints);
    }
    try {
      const envelope = renderEvent(row);
      await Promise.all(
        (await endpoints)
          .filter((e) => matchesAnyPattern(e.eventTypes, row.type))
          .map((e) => webhookStub(env, e.id).enqueue(e.id, envelope, row.objectId)),
      );
      done.push(row.id);
    } catch (err) {
      stuck.add(row.objectId);
      console.error(`events: ${row.id} not handed over yet`, err);
    }
  }
  const t = Date.now();
  for (const ids of chunks(done)) await db.update(events).set({ deliveredAt: t }).where(inArray(events.id, ids));
  return done.length;
}
