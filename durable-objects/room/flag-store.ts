import type { FlagRow } from './contract';

type Row = Record<string, SqlStorageValue>;

/** The room's flags (reports of messages, for the moderators' queue), in the room's SQLite (room-store.ts owns the schema). */
export class FlagStore {
  constructor(readonly sql: SqlStorage) {}

  protected all<T>(query: string, ...params: SqlStorageValue[]): T[] {
    return this.sql.exec<Row>(query, ...params).toArray() as T[];
  }

  addFlag(f: Omit<FlagRow, 'status' | 'resolution' | 'resolved_at'>) {
    this.sql.exec(
      'INSERT INTO flags (id, message_id, reporter_id, reason, created_at) VALUES (?, ?, ?, ?, ?)',
      f.id,
      f.message_id,
      f.reporter_id,
      f.reason,
      f.created_at,
    );
  }

  /** A reporter flags a message once; a second flag adds nothing for the moderators. */
  hasFlag(messageId: string, reporter: string): boolean {
    return (
      this.all<{ n: number }>(
        'SELECT count(*) AS n FROM flags WHERE message_id = ? AND reporter_id = ?',
        messageId,
        reporter,
      )[0]!.n > 0
    );
  }

  listFlags(status: 'open' | 'resolved', limit: number, before: number | null): FlagRow[] {
    return this.all<FlagRow>(
      'SELECT * FROM flags WHERE status = ? AND created_at < ? ORDER BY created_at DESC, id DESC LIMIT ?',
      status,
      before ?? Number.MAX_SAFE_INTEGER,
      limit,
    );
  }

  getFlag(id: string): FlagRow | null {
    return this.all<FlagRow>('SELECT * FROM flags WHERE id = ?', id)[0] ?? null;
  }

  resolveFlag(id: string, resolution: string, at: number): FlagRow | null {
    return (
      this.all<FlagRow>(
        "UPDATE flags SET status = 'resolved', resolution = ?, resolved_at = ? WHERE id = ? RETURNING *",
        resolution,
        at,
        id,
      )[0] ?? null
    );
  }
}
