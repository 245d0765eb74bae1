import { migrateSql } from '../../core/do/sql-migrations';
import type { StreamReaction } from '../../core/stream-reactions';
import type { RenditionReport } from './contract';

/**
 * The stream object's own SQLite: its one-row state, the renditions the origin measured, the
 * encryption flag of every session it ran, and the outbox of reactions not yet fully applied.
 * (Segments live in segment-log.ts.) Append migrations; never edit one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     stream_id TEXT,
     app_id TEXT,
     status TEXT NOT NULL DEFAULT 'idle',
     disabled INTEGER NOT NULL DEFAULT 0,
     deleted INTEGER NOT NULL DEFAULT 0,
     session_id TEXT,
     origin_id TEXT,
     epoch INTEGER NOT NULL DEFAULT 0,
     reconnects INTEGER NOT NULL DEFAULT 0,
     config TEXT,
     started_at INTEGER,
     last_activity_at INTEGER,
     reconnect_deadline INTEGER
   );
   INSERT INTO state (id) VALUES (1);
   CREATE TABLE segments (
     session_id TEXT NOT NULL,
     rendition TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     duration REAL NOT NULL,
     pdt INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     epoch INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     msn INTEGER,
     discontinuity INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (session_id, rendition, sequence)
   );
   CREATE INDEX segments_listed ON segments (session_id, rendition, msn);
   CREATE TABLE renditions (
     session_id TEXT NOT NULL,
     name TEXT NOT NULL,
     bandwidth INTEGER NOT NULL,
     average_bandwidth INTEGER,
     resolution TEXT,
     codecs TEXT,
     frame_rate REAL,
     PRIMARY KEY (session_id, name)
   );`,
  // The origin marks the first segment after an FFmpeg restart: its timestamps start over.
  'ALTER TABLE segments ADD COLUMN marked INTEGER NOT NULL DEFAULT 0',
  // A session whose end is decided but whose recording is not yet written (the alarm retries);
  // when it ended; whether `reconnecting` came from a stall (the origin may still be uploading, so
  // its next call resumes) rather than publish-done; every session's encryption (its key route outlives a settings change); and the
  // reactions (core/stream-reactions.ts) with the steps of each that went through.
  `ALTER TABLE state ADD COLUMN finalize_pending INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE state ADD COLUMN ended_at INTEGER;
   ALTER TABLE state ADD COLUMN stalled INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE sessions (session_id TEXT PRIMARY KEY, encryption INTEGER NOT NULL);
   CREATE TABLE reactions (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     reaction TEXT NOT NULL,
     done TEXT NOT NULL DEFAULT '{}'
   );`,
  // The renditions the origin said it produces for a session (its input report): the master
  // playlist waits for all of them.
  'ALTER TABLE sessions ADD COLUMN renditions TEXT',
  // LL-HLS parts of the segments near the live edge (part-log.ts), keyed by the segment's sequence.
  `CREATE TABLE parts (
     session_id TEXT NOT NULL,
     rendition TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     part INTEGER NOT NULL,
     duration REAL NOT NULL,
     independent INTEGER NOT NULL,
     PRIMARY KEY (session_id, rendition, sequence, part)
   );`,
  // A segment's first part says whether the segment follows a discontinuity (a cut, a restart):
  // while it is the open segment, only its parts can carry the tag.
  'ALTER TABLE parts ADD COLUMN discontinuity INTEGER NOT NULL DEFAULT 0',
];

export type LiveState = 'idle' | 'active' | 'reconnecting';

export interface State extends Record<string, SqlStorageValue> {
  stream_id: string | null;
  app_id: string | null;
  status: LiveState;
  disabled: number;
  deleted: number;
  session_id: string | null;
  origin_id: string | null;
  epoch: number;
  reconnects: number;
  config: string | null;
  started_at: number | null;
  last_activity_at: number | null;
  reconnect_deadline: number | null;
  finalize_pending: number;
  ended_at: number | null;
  stalled: number;
}

export interface RenditionRow extends Record<string, SqlStorageValue> {
  name: string;
  bandwidth: number;
  average_bandwidth: number | null;
  resolution: string | null;
  codecs: string | null;
  frame_rate: number | null;
}

export interface PendingReaction {
  id: number;
  reaction: StreamReaction;
  done: Record<string, unknown>;
}

export class StreamStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Call inside `blockConcurrencyWhile` in the constructor. */
  migrate() {
    migrateSql(this.sql, MIGRATIONS);
  }

  state(): State {
    return this.sql.exec<State>('SELECT * FROM state WHERE id = 1').one();
  }

  set(fields: Partial<State>) {
    const keys = Object.keys(fields);
    if (!keys.length) return;
    this.sql.exec(
      `UPDATE state SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = 1`,
      ...keys.map((k) => fields[k] ?? null),
    );
  }

  putRendition(sessionId: string, name: string, r: RenditionReport) {
    this.sql.exec(
      `INSERT INTO renditions (session_id, name, bandwidth, average_bandwidth, resolution, codecs, frame_rate) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, name) DO UPDATE SET bandwidth = excluded.bandwidth, average_bandwidth = excluded.average_bandwidth,
         resolution = excluded.resolution, codecs = excluded.codecs, frame_rate = excluded.frame_rate`,
      sessionId,
      name,
      r.bandwidth,
      r.average_bandwidth ?? null,
      r.resolution,
      r.codecs,
      r.frame_rate,
    );
  }

  renditions(sessionId: string): Map<string, RenditionRow> {
    const rows = this.sql
      .exec<RenditionRow>(
        'SELECT name, bandwidth, average_bandwidth, resolution, codecs, frame_rate FROM renditions WHERE session_id = ?',
        sessionId,
      )
      .toArray();
    return new Map(rows.map((r) => [r.name, r]));
  }

  recordSession(sessionId: string, encryption: boolean) {
    this.sql.exec(
      'INSERT OR REPLACE INTO sessions (session_id, encryption) VALUES (?, ?)',
      sessionId,
      encryption ? 1 : 0,
    );
  }

  setSessionRenditions(sessionId: string, renditions: readonly string[]) {
    this.sql.exec('UPDATE sessions SET renditions = ? WHERE session_id = ?', JSON.stringify(renditions), sessionId);
  }

  /** What the origin produces for the session; null when it has not said (older origins). */
  sessionRenditions(sessionId: string): string[] | null {
    const row = this.sql
      .exec<{ renditions: string | null }>('SELECT renditions FROM sessions WHERE session_id = ?', sessionId)
      .toArray()[0];
    return row?.renditions ? (JSON.parse(row.renditions) as string[]) : null;
  }

  /** The session's own encryption flag; null for sessions from before it was recorded. */
  sessionEncryption(sessionId: string): boolean | null {
    const row = this.sql
      .exec<{ encryption: number }>('SELECT encryption FROM sessions WHERE session_id = ?', sessionId)
      .toArray()[0];
    return row ? row.encryption === 1 : null;
  }

  addReaction(r: StreamReaction) {
    this.sql.exec('INSERT INTO reactions (reaction) VALUES (?)', JSON.stringify(r));
  }

  nextReaction(): PendingReaction | null {
    const row = this.sql
      .exec<{ id: number; reaction: string; done: string }>('SELECT * FROM reactions ORDER BY id LIMIT 1')
      .toArray()[0];
    return row
      ? {
          id: row.id,
          reaction: JSON.parse(row.reaction) as StreamReaction,
          done: JSON.parse(row.done) as Record<string, unknown>,
        }
      : null;
  }

  markStep(id: number, done: Record<string, unknown>) {
    this.sql.exec('UPDATE reactions SET done = ? WHERE id = ?', JSON.stringify(done), id);
  }

  dropReaction(id: number) {
    this.sql.exec('DELETE FROM reactions WHERE id = ?', id);
  }

  pendingReactions(): number {
    return this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM reactions').one().n;
  }
}
