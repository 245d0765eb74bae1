import { createDb } from '../db/client';
import { events } from '../db/schema/index';
import type { Env } from '../env';
import { deliverEvents, type EventRow, type NewEvent, newEventRow } from '../events';

/** How long an object waits before trying again to hand its events to D1. */
export const EVENT_RETRY_MS = 30_000;

/**
 * An object's own outbox for the events it emits (rooms: `room.*`, `chat.*`). The event is first
 * written to the object's SQLite, synchronously, with the state change it describes, so it
 * survives a D1 failure or an eviction; `flush` then copies it into D1's events table (idempotent
 * per id, so a retry after a half-done flush writes nothing twice), hands it to the webhook
 * endpoints (core/events.ts), and forgets it. The object calls `flush` after recording and again
 * from a timer while anything is left (`pending()`).
 */
export class EventOutbox {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS event_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, row TEXT NOT NULL)');
  }

  record(e: NewEvent): EventRow {
    const row = newEventRow(e);
    this.sql.exec('INSERT INTO event_outbox (row) VALUES (?)', JSON.stringify(row));
    return row;
  }

  pending(): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM event_outbox').one().n;
  }

  /** Moves what is recorded into D1, oldest first; false when D1 refused (try again later). */
  async flush(env: Env, limit = 50): Promise<boolean> {
    const queued = this.sql
      .exec<{ seq: number; row: string }>('SELECT seq, row FROM event_outbox ORDER BY seq LIMIT ?', limit)
      .toArray();
    if (!queued.length) return true;
    const rows = queued.map((q) => JSON.parse(q.row) as EventRow);
    const db = createDb(env.DB);
    try {
      const inserts = rows.map((r) => db.insert(events).values(r).onConflictDoNothing());
      await db.batch(inserts as [(typeof inserts)[number], ...typeof inserts]);
    } catch (err) {
      console.error('events: D1 refused, kept in the object for a retry', err);
      return false;
    }
    this.sql.exec('DELETE FROM event_outbox WHERE seq <= ?', queued[queued.length - 1]!.seq);
    await deliverEvents(env, rows);
    return queued.length < limit || this.flush(env, limit);
  }
}
