/**
 * The per-user rate-limit buckets in the room's SQLite (the `limits` table of room-store.ts), so an
 * evicted room wakes with the budgets it had. Written once per tick with the tick's messages.
 */

/** A bucket untouched this long has refilled (the slowest, flags, refills in five minutes). */
const STALE_MS = 10 * 60 * 1000;

export interface LimitRow {
  key: string;
  tokens: number;
  at: number;
}

export class LimitStore {
  constructor(private readonly sql: SqlStorage) {}

  save(rows: LimitRow[]) {
    for (const r of rows)
      this.sql.exec(
        'INSERT INTO limits (key, tokens, at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET tokens = excluded.tokens, at = excluded.at',
        r.key,
        r.tokens,
        r.at,
      );
  }

  /** The buckets still worth restoring; the refilled ones go. */
  load(now: number): LimitRow[] {
    this.sql.exec('DELETE FROM limits WHERE at < ?', now - STALE_MS);
    return this.sql.exec<{ key: string; tokens: number; at: number }>('SELECT key, tokens, at FROM limits').toArray();
  }
}
