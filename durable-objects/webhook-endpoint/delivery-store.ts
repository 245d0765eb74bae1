import { migrateSql } from '../../core/do/sql-migrations';

/**
 * The endpoint's queue and delivery log, in its Durable Object's SQLite storage. Every call is
 * synchronous SQL, so a claim (select + mark `sending`) cannot interleave with another.
 *
 * A delivery is one event for this endpoint; it has one or more attempts. Status moves
 * pending -> sending -> succeeded | pending (retry later) | failed (gave up).
 */
export type DeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed';

export type DeliveryRow = {
  seq: number;
  id: string;
  event_id: string;
  event_type: string;
  /** Deliveries sharing an order key (the object id) go out one at a time, oldest first. */
  order_key: string | null;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
  last_status_code: number | null;
  last_error: string | null;
};

export type AttemptRow = {
  id: number;
  delivery_id: string;
  event_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body: string | null;
  next_retry_at: number | null;
};

/** Versioned DO-local schema: append a step, never edit one that has shipped. */
const MIGRATIONS = [
  `CREATE TABLE deliveries (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     event_id TEXT NOT NULL UNIQUE,
     event_type TEXT NOT NULL,
     order_key TEXT,
     payload TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     last_status_code INTEGER,
     last_error TEXT
   );
   CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
   CREATE INDEX deliveries_order ON deliveries (order_key, seq);
   CREATE TABLE attempts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     delivery_id TEXT NOT NULL,
     event_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     started_at INTEGER NOT NULL,
     duration_ms INTEGER NOT NULL,
     status_code INTEGER,
     error TEXT,
     response_body TEXT,
     next_retry_at INTEGER
   );
   CREATE INDEX attempts_delivery ON attempts (delivery_id, id);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

/** A delivery may go when it is due and nothing older about the same object is still unsent. */
const HEAD_OF_ITS_OBJECT = `(d.order_key IS NULL OR NOT EXISTS (
  SELECT 1 FROM deliveries e WHERE e.order_key = d.order_key AND e.seq < d.seq AND e.status IN ('pending', 'sending')))`;

/** Completed deliveries and their attempts are kept this long for the log. */
export const LOG_RETENTION_MS = 30 * 24 * 3600_000;

export class DeliveryStore {
  constructor(private readonly sql: SqlStorage) {}

  migrate() {
    // Adopts the `schema_version` table objects created before the shared migrator kept.
    migrateSql(this.sql, MIGRATIONS);
    // Nothing is in flight in a fresh instance: attempts cut off by an eviction are owed again.
    this.sql.exec(`UPDATE deliveries SET status = 'pending' WHERE status = 'sending'`);
  }

  getMeta(key: string): string | null {
    return this.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value ?? null;
  }

  setMeta(key: string, value: string) {
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  /** Idempotent per event: enqueuing the same event twice keeps one delivery. */
  insert(
    d: { id: string; eventId: string; eventType: string; orderKey: string | null; payload: string },
    now: number,
  ): DeliveryRow {
    this.sql.exec(
      `INSERT INTO deliveries (id, event_id, event_type, order_key, payload, status, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      d.id,
      d.eventId,
      d.eventType,
      d.orderKey,
      d.payload,
      now,
      now,
      now,
    );
    return this.sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE event_id = ?', d.eventId).one();
  }

  /** Takes the next deliverable row and marks it `sending`, or null when none is due. */
  claimNext(now: number): DeliveryRow | null {
    const row = this.sql
      .exec<DeliveryRow>(
        `SELECT * FROM deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND ${HEAD_OF_ITS_OBJECT}
       ORDER BY d.next_attempt_at, d.seq LIMIT 1`,
        now,
      )
      .toArray()[0];
    if (!row) return null;
    this.sql.exec(`UPDATE deliveries SET status = 'sending' WHERE seq = ?`, row.seq);
    return row;
  }

  /** When the earliest deliverable row falls due (rows waiting behind an older one do not count). */
  nextDueAt(): number | null {
    const r = this.sql
      .exec<{ t: number | null }>(
        `SELECT MIN(d.next_attempt_at) AS t FROM deliveries d WHERE d.status = 'pending' AND ${HEAD_OF_ITS_OBJECT}`,
      )
      .one();
    return r.t;
  }

  recordAttempt(
    row: DeliveryRow,
    a: Omit<AttemptRow, 'id' | 'delivery_id' | 'event_id' | 'attempt'>,
    status: DeliveryStatus,
  ) {
    const attempt = row.attempts + 1;
    this.sql.exec(
      `INSERT INTO attempts (delivery_id, event_id, attempt, started_at, duration_ms, status_code, error, response_body, next_retry_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.id,
      row.event_id,
      attempt,
      a.started_at,
      a.duration_ms,
      a.status_code,
      a.error,
      a.response_body,
      a.next_retry_at,
    );
    this.sql.exec(
      `UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, updated_at = ?, last_status_code = ?, last_error = ?
       WHERE seq = ?`,
      status,
      attempt,
      a.next_retry_at,
      a.started_at + a.duration_ms,
      a.status_code,
      a.error,
      row.seq,
    );
  }

  /** Puts a delivery back at the front of the queue with a fresh retry schedule. */
  requeue(deliveryId: string, now: number): boolean {
    return (
      this.sql
        .exec(
          `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
       WHERE id = ? AND status IN ('succeeded', 'failed') RETURNING seq`,
          now,
          now,
          deliveryId,
        )
        .toArray().length > 0
    );
  }

  requeueFailed(since: number, until: number, now: number): number {
    return this.sql
      .exec(
        `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
       WHERE status = 'failed' AND created_at >= ? AND created_at <= ? RETURNING seq`,
        now,
        now,
        since,
        until,
      )
      .toArray().length; // not rowsWritten: that counts index entries too
  }

  get(deliveryId: string): DeliveryRow | null {
    return this.sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE id = ?', deliveryId).toArray()[0] ?? null;
  }

  /** Newest first, paged by `seq`. */
  list(f: { status?: DeliveryStatus; eventId?: string; beforeSeq?: number; limit: number }): DeliveryRow[] {
    const where = ['seq < ?'];
    const args: (string | number)[] = [f.beforeSeq ?? Number.MAX_SAFE_INTEGER];
    if (f.status === 'pending') where.push(`status IN ('pending', 'sending')`);
    else if (f.status) {
      where.push('status = ?');
      args.push(f.status);
    }
    if (f.eventId) {
      where.push('event_id = ?');
      args.push(f.eventId);
    }
    return this.sql
      .exec<DeliveryRow>(
        `SELECT * FROM deliveries WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
        ...args,
        f.limit,
      )
      .toArray();
  }

  /** What waits here (the operator's backlog view): pending and failed counts, the oldest pending. */
  backlog(): { pending: number; failed: number; oldestPendingAt: number | null } {
    const r = this.sql
      .exec<{ pending: number; failed: number; oldest: number | null }>(
        `SELECT COALESCE(SUM(CASE WHEN status IN ('pending', 'sending') THEN 1 ELSE 0 END), 0) AS pending,
                COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
                MIN(CASE WHEN status IN ('pending', 'sending') THEN created_at END) AS oldest
         FROM deliveries`,
      )
      .one();
    return { pending: r.pending, failed: r.failed, oldestPendingAt: r.oldest };
  }

  attemptsOf(deliveryId: string): AttemptRow[] {
    return this.sql.exec<AttemptRow>('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY id', deliveryId).toArray();
  }

  /** Every attempt to this endpoint, newest first, paged by attempt id. */
  recentAttempts(f: { beforeId?: number; limit: number }): AttemptRow[] {
    return this.sql
      .exec<AttemptRow>(
        'SELECT * FROM attempts WHERE id < ? ORDER BY id DESC LIMIT ?',
        f.beforeId ?? Number.MAX_SAFE_INTEGER,
        f.limit,
      )
      .toArray();
  }

  prune(now: number) {
    const cutoff = now - LOG_RETENTION_MS;
    this.sql.exec(
      `DELETE FROM attempts WHERE delivery_id IN
      (SELECT id FROM deliveries WHERE status IN ('succeeded', 'failed') AND updated_at < ?)`,
      cutoff,
    );
    this.sql.exec(`DELETE FROM deliveries WHERE status IN ('succeeded', 'failed') AND updated_at < ?`, cutoff);
  }
}
