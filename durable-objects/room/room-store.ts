import type { ChatRole, Member, Message } from '@edgelive/shared';
import { migrateSql } from '../../core/do/sql-migrations';
import type { FlagRow, RestrictionKind, RestrictionRow } from './contract';

/**
 * The room's own SQLite (Durable Object storage): history, reactions, restrictions, flags and the
 * roles it has seen. Everything here survives eviction; nothing here is in D1, so a busy room never
 * writes the shared database. (The `schedules` table of the first step now belongs to core's
 * Scheduler, which creates it if missing.)
 */

/** Append a step to MIGRATIONS to change the schema (core/do/sql-migrations); never edit one that shipped. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL,
     user_id TEXT,
     user_json TEXT,
     text TEXT NOT NULL,
     client_id TEXT,
     reply_to TEXT,
     shadow INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     edited_at INTEGER,
     deleted_at INTEGER
   );
   CREATE UNIQUE INDEX messages_client ON messages(user_id, client_id) WHERE client_id IS NOT NULL;
   CREATE INDEX messages_user ON messages(user_id, seq);
   CREATE INDEX messages_time ON messages(created_at);
   CREATE TABLE reactions (
     message_id TEXT NOT NULL, user_id TEXT NOT NULL, emoji TEXT NOT NULL,
     PRIMARY KEY (message_id, user_id, emoji)
   );
   CREATE TABLE restrictions (
     user_id TEXT NOT NULL, kind TEXT NOT NULL, until INTEGER, reason TEXT, by TEXT, created_at INTEGER NOT NULL,
     PRIMARY KEY (user_id, kind)
   );
   CREATE TABLE flags (
     id TEXT PRIMARY KEY, message_id TEXT NOT NULL, reporter_id TEXT, reason TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'open', resolution TEXT, created_at INTEGER NOT NULL, resolved_at INTEGER
   );
   CREATE INDEX flags_status ON flags(status, created_at);
   CREATE TABLE schedules (name TEXT PRIMARY KEY, at INTEGER NOT NULL);`,
  // The role each privileged user last connected with: moderation acts down the ladder only, and
  // the target of a ban is often not connected. Plain users have no row.
  `CREATE TABLE ranks (user_id TEXT PRIMARY KEY, role TEXT NOT NULL);`,
  // Messages from an external chat (chat-connectors.ts) say where they were written.
  `ALTER TABLE messages ADD COLUMN source TEXT;`,
];

export type { FlagRow, RestrictionKind, RestrictionRow };

export interface MessageRow {
  seq: number;
  id: string;
  kind: 'user' | 'system';
  user_id: string | null;
  user_json: string | null;
  text: string;
  client_id: string | null;
  reply_to: string | null;
  shadow: number;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  /** `twitch` / `youtube` for a message from an external chat; absent on rows written before connectors. */
  source?: string | null;
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());
type Row = Record<string, SqlStorageValue>;

export class RoomStore {
  constructor(private readonly sql: SqlStorage) {}

  /** Runs from the constructor, before any event is delivered. */
  migrate() {
    migrateSql(this.sql, MIGRATIONS);
  }

  private all<T>(query: string, ...params: SqlStorageValue[]): T[] {
    return this.sql.exec<Row>(query, ...params).toArray() as T[];
  }

  getMeta(key: string): string | null {
    return this.all<{ value: string }>('SELECT value FROM meta WHERE key = ?', key)[0]?.value ?? null;
  }

  setMeta(key: string, value: string) {
    this.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  // ---- messages ----

  insertMessage(m: Omit<MessageRow, 'seq' | 'edited_at' | 'deleted_at'>): MessageRow {
    const [row] = this.all<MessageRow>(
      `INSERT INTO messages (id, kind, user_id, user_json, text, client_id, reply_to, shadow, created_at, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      m.id,
      m.kind,
      m.user_id,
      m.user_json,
      m.text,
      m.client_id,
      m.reply_to,
      m.shadow,
      m.created_at,
      m.source ?? null,
    );
    return row!;
  }

  byClientId(userId: string, clientId: string): MessageRow | null {
    return (
      this.all<MessageRow>('SELECT * FROM messages WHERE user_id = ? AND client_id = ?', userId, clientId)[0] ?? null
    );
  }

  byId(id: string): MessageRow | null {
    return this.all<MessageRow>('SELECT * FROM messages WHERE id = ?', id)[0] ?? null;
  }

  /** Visible to `viewer`: not deleted, and shadow-banned messages only to their author. */
  private visible(viewer: string | null) {
    return viewer === null ? 'deleted_at IS NULL AND shadow = 0' : 'deleted_at IS NULL AND (shadow = 0 OR user_id = ?)';
  }

  private viewerParams(viewer: string | null): SqlStorageValue[] {
    return viewer === null ? [] : [viewer];
  }

  /** Newest first, strictly before `beforeSeq` (or from the newest). */
  listBefore(viewer: string | null, beforeSeq: number | null, limit: number): MessageRow[] {
    return this.all<MessageRow>(
      `SELECT * FROM messages WHERE ${this.visible(viewer)} AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ...this.viewerParams(viewer),
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit,
    );
  }

  /** Oldest first, strictly after `afterSeq`. */
  listAfter(viewer: string | null, afterSeq: number, limit: number): MessageRow[] {
    return this.all<MessageRow>(
      `SELECT * FROM messages WHERE ${this.visible(viewer)} AND seq > ? ORDER BY seq ASC LIMIT ?`,
      ...this.viewerParams(viewer),
      afterSeq,
      limit,
    );
  }

  lastSentAt(userId: string): number | null {
    return (
      this.all<{ t: number | null }>(
        "SELECT max(created_at) AS t FROM messages WHERE user_id = ? AND kind = 'user'",
        userId,
      )[0]?.t ?? null
    );
  }

  /** `shadow` hides the message from everyone but its author from now on (a shadow-banned editor). */
  editMessage(id: string, text: string, at: number, shadow = false): MessageRow | null {
    return (
      this.all<MessageRow>(
        'UPDATE messages SET text = ?, edited_at = ?, shadow = max(shadow, ?) WHERE id = ? AND deleted_at IS NULL RETURNING *',
        text,
        at,
        shadow ? 1 : 0,
        id,
      )[0] ?? null
    );
  }

  deleteMessage(id: string, at: number): MessageRow | null {
    // The text goes with the deletion: a deleted message must not be readable from storage either.
    const row =
      this.all<MessageRow>(
        "UPDATE messages SET deleted_at = ?, text = '' WHERE id = ? AND deleted_at IS NULL RETURNING *",
        at,
        id,
      )[0] ?? null;
    if (row) this.sql.exec('DELETE FROM reactions WHERE message_id = ?', id);
    return row;
  }

  pruneBefore(t: number): number {
    this.sql.exec('DELETE FROM reactions WHERE message_id IN (SELECT id FROM messages WHERE created_at < ?)', t);
    return this.sql.exec('DELETE FROM messages WHERE created_at < ?', t).rowsWritten;
  }

  // ---- reactions ----

  setReaction(messageId: string, userId: string, emoji: string, on: boolean) {
    if (on)
      this.sql.exec(
        'INSERT OR IGNORE INTO reactions (message_id, user_id, emoji) VALUES (?, ?, ?)',
        messageId,
        userId,
        emoji,
      );
    else
      this.sql.exec(
        'DELETE FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?',
        messageId,
        userId,
        emoji,
      );
  }

  reactionCount(messageId: string, userId: string): number {
    return this.all<{ n: number }>(
      'SELECT count(*) AS n FROM reactions WHERE message_id = ? AND user_id = ?',
      messageId,
      userId,
    )[0]!.n;
  }

  reactionsFor(ids: string[]): Map<string, Record<string, number>> {
    const out = new Map<string, Record<string, number>>();
    if (!ids.length) return out;
    const rows = this.all<{ message_id: string; emoji: string; n: number }>(
      `SELECT message_id, emoji, count(*) AS n FROM reactions WHERE message_id IN (${ids.map(() => '?').join(',')}) GROUP BY message_id, emoji`,
      ...ids,
    );
    for (const r of rows) {
      const rec = out.get(r.message_id) ?? {};
      rec[r.emoji] = r.n;
      out.set(r.message_id, rec);
    }
    return out;
  }

  /** Rows as the wire shows them, reactions included. */
  render(rows: MessageRow[]): Message[] {
    const reactions = this.reactionsFor(rows.filter((r) => r.kind === 'user').map((r) => r.id));
    return rows.map((r) => renderMessage(r, reactions.get(r.id) ?? {}));
  }

  // ---- restrictions ----

  restrict(r: RestrictionRow) {
    this.sql.exec(
      `INSERT INTO restrictions (user_id, kind, until, reason, by, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(user_id, kind) DO UPDATE SET until = excluded.until, reason = excluded.reason, by = excluded.by, created_at = excluded.created_at`,
      r.user_id,
      r.kind,
      r.until,
      r.reason,
      r.by,
      r.created_at,
    );
  }

  lift(userId: string, kind: RestrictionKind): boolean {
    return this.sql.exec('DELETE FROM restrictions WHERE user_id = ? AND kind = ?', userId, kind).rowsWritten > 0;
  }

  /** The user's restrictions still in force at `now`. */
  restrictionsOf(userId: string, now: number): Map<RestrictionKind, RestrictionRow> {
    const rows = this.all<RestrictionRow>(
      'SELECT * FROM restrictions WHERE user_id = ? AND (until IS NULL OR until > ?)',
      userId,
      now,
    );
    return new Map(rows.map((r) => [r.kind, r]));
  }

  listRestrictions(kind: RestrictionKind, now: number): RestrictionRow[] {
    return this.all<RestrictionRow>(
      'SELECT * FROM restrictions WHERE kind = ? AND (until IS NULL OR until > ?) ORDER BY created_at DESC LIMIT 1000',
      kind,
      now,
    );
  }

  dropExpiredRestrictions(now: number) {
    this.sql.exec('DELETE FROM restrictions WHERE until IS NOT NULL AND until <= ?', now);
  }

  // ---- flags ----

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

  // ---- ranks ----

  /** Records the role a user connected with (only privileged roles are kept). */
  setRank(userId: string, role: ChatRole) {
    if (role === 'user') this.sql.exec('DELETE FROM ranks WHERE user_id = ?', userId);
    else
      this.sql.exec(
        'INSERT INTO ranks (user_id, role) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET role = excluded.role',
        userId,
        role,
      );
  }

  rankOf(userId: string): ChatRole {
    return this.all<{ role: ChatRole }>('SELECT role FROM ranks WHERE user_id = ?', userId)[0]?.role ?? 'user';
  }
}

export function renderMessage(r: MessageRow, reactions: Record<string, number>): Message {
  const m: Message = {
    id: r.id,
    seq: r.seq,
    kind: r.kind,
    user: r.user_json ? (JSON.parse(r.user_json) as Member) : null,
    text: r.text,
    reply_to: r.reply_to,
    created_at: iso(r.created_at)!,
    edited_at: iso(r.edited_at),
    reactions,
  };
  if (r.shadow) m.shadowed = true;
  if (r.source === 'twitch' || r.source === 'youtube') m.source = r.source;
  return m;
}
