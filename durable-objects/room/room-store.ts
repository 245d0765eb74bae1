import type { ChatRole, Member, Message } from '@edgelive/shared';
import { migrateSql } from '../../core/do/sql-migrations';
import type { FlagRow, RestrictionKind, RestrictionRow } from './contract';
import { FlagStore } from './flag-store';

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
  // What changed about existing messages (edits, deletions, reactions), by when in the message
  // sequence it happened: a resume replays these (change-log.ts). The per-user rate-limit buckets
  // (limit-store.ts), so an eviction does not hand a flooder a fresh budget.
  `CREATE TABLE changes (
     id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, after_seq INTEGER NOT NULL, at INTEGER NOT NULL
   );
   CREATE INDEX changes_after ON changes(after_seq);
   CREATE TABLE limits (key TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL);`,
  // Messages from an external chat (chat-connectors.ts) say where they were written.
  `ALTER TABLE messages ADD COLUMN source TEXT;`,
  // Which connector brought a message and its id there (`<connector id>:<external id>`), so a
  // deletion here can be made upstream too (chat-connectors.ts).
  `ALTER TABLE messages ADD COLUMN external_ref TEXT;`,
  // Sockets held by the room's edge shards (shard-links.ts): the primary forgets nothing of them
  // when it hibernates or is evicted while its shards keep their sockets open.
  `CREATE TABLE shard_sockets (id TEXT PRIMARY KEY, k INTEGER NOT NULL, a TEXT NOT NULL);`,
  // A message deleted in the external chat it came from is found by its ref (chat-connectors.ts).
  `CREATE INDEX messages_external_ref ON messages(external_ref) WHERE external_ref IS NOT NULL;`,
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
  /** `<connector id>:<id in the external chat>` for a message a connector brought in, when that chat gave it an id. */
  external_ref?: string | null;
}

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

export class RoomStore extends FlagStore {
  /**
   * Messages accepted this tick, not yet written: the fan-out's flush writes them all at once
   * (`writeQueued`), so a busy room commits once per tick instead of once per message. Their
   * sequence numbers are handed out here, in memory.
   */
  private queued: MessageRow[] = [];
  private lastSeq: number | null = null;

  constructor(sql: SqlStorage) {
    super(sql);
  }

  /** Runs from the constructor, before any event is delivered. */
  migrate() {
    migrateSql(this.sql, MIGRATIONS);
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

  /** The highest sequence number handed out (queued messages included). */
  currentSeq(): number {
    if (this.lastSeq === null) {
      // AUTOINCREMENT's high-water mark survives a retention prune that emptied the table.
      let top = this.all<{ s: number | null }>('SELECT max(seq) AS s FROM messages')[0]?.s ?? 0;
      try {
        const hw = this.all<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'messages'")[0]?.seq ?? 0;
        top = Math.max(top, hw);
      } catch {
        // sqlite_sequence not readable here: max(seq) it is
      }
      this.lastSeq = top;
    }
    return this.lastSeq;
  }

  /** Accepts a message now and writes it with the tick's others (`writeQueued`). */
  queueMessage(m: Omit<MessageRow, 'seq' | 'edited_at' | 'deleted_at'>): MessageRow {
    const row: MessageRow = { ...m, seq: this.currentSeq() + 1, edited_at: null, deleted_at: null };
    this.lastSeq = row.seq;
    this.queued.push(row);
    return row;
  }

  /** Writes the queued messages; they share the implicit transaction of the event that calls this. */
  writeQueued() {
    const q = this.queued;
    if (!q.length) return;
    this.queued = [];
    for (const m of q) this.write(m);
  }

  insertMessage(m: Omit<MessageRow, 'seq' | 'edited_at' | 'deleted_at'>): MessageRow {
    this.writeQueued();
    const row = this.queueMessage(m);
    this.writeQueued();
    return row;
  }

  private write(m: MessageRow) {
    this.sql.exec(
      `INSERT INTO messages (seq, id, kind, user_id, user_json, text, client_id, reply_to, shadow, created_at, source, external_ref)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.seq,
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
      m.external_ref ?? null,
    );
  }

  byClientId(userId: string, clientId: string): MessageRow | null {
    const q = this.queued.find((m) => m.user_id === userId && m.client_id === clientId);
    if (q) return q;
    return (
      this.all<MessageRow>('SELECT * FROM messages WHERE user_id = ? AND client_id = ?', userId, clientId)[0] ?? null
    );
  }

  /** The message a connector brought in under this ref (`<connector id>:<external id>`). */
  byExternalRef(ref: string): MessageRow | null {
    const q = this.queued.find((m) => m.external_ref === ref);
    if (q) return q;
    return this.all<MessageRow>('SELECT * FROM messages WHERE external_ref = ?', ref)[0] ?? null;
  }

  byId(id: string): MessageRow | null {
    const q = this.queued.find((m) => m.id === id);
    if (q) return q;
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
    this.writeQueued();
    return this.all<MessageRow>(
      `SELECT * FROM messages WHERE ${this.visible(viewer)} AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ...this.viewerParams(viewer),
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit,
    );
  }

  /** Oldest first, strictly after `afterSeq`. */
  listAfter(viewer: string | null, afterSeq: number, limit: number): MessageRow[] {
    this.writeQueued();
    return this.all<MessageRow>(
      `SELECT * FROM messages WHERE ${this.visible(viewer)} AND seq > ? ORDER BY seq ASC LIMIT ?`,
      ...this.viewerParams(viewer),
      afterSeq,
      limit,
    );
  }

  lastSentAt(userId: string): number | null {
    for (let i = this.queued.length - 1; i >= 0; i--) {
      const m = this.queued[i]!;
      if (m.user_id === userId && m.kind === 'user') return m.created_at;
    }
    return (
      this.all<{ t: number | null }>(
        "SELECT max(created_at) AS t FROM messages WHERE user_id = ? AND kind = 'user'",
        userId,
      )[0]?.t ?? null
    );
  }

  /** `shadow` hides the message from everyone but its author from now on (a shadow-banned editor). */
  editMessage(id: string, text: string, at: number, shadow = false): MessageRow | null {
    this.writeQueued();
    const row =
      this.all<MessageRow>(
        'UPDATE messages SET text = ?, edited_at = ?, shadow = max(shadow, ?) WHERE id = ? AND deleted_at IS NULL RETURNING *',
        text,
        at,
        shadow ? 1 : 0,
        id,
      )[0] ?? null;
    if (row) this.changed(id, at);
    return row;
  }

  deleteMessage(id: string, at: number): MessageRow | null {
    this.writeQueued();
    // The text goes with the deletion: a deleted message must not be readable from storage either.
    const row =
      this.all<MessageRow>(
        "UPDATE messages SET deleted_at = ?, text = '' WHERE id = ? AND deleted_at IS NULL RETURNING *",
        at,
        id,
      )[0] ?? null;
    if (row) {
      this.sql.exec('DELETE FROM reactions WHERE message_id = ?', id);
      this.changed(id, at);
    }
    return row;
  }

  pruneBefore(t: number): number {
    this.writeQueued();
    this.sql.exec('DELETE FROM changes WHERE at < ?', t);
    this.sql.exec('DELETE FROM reactions WHERE message_id IN (SELECT id FROM messages WHERE created_at < ?)', t);
    return this.sql.exec('DELETE FROM messages WHERE created_at < ?', t).rowsWritten;
  }

  // ---- the change log (resume) ----

  /** Something about an existing message changed; stamped with the newest sequence number at the time. */
  private changed(messageId: string, at: number) {
    this.sql.exec('INSERT INTO changes (message_id, after_seq, at) VALUES (?, ?, ?)', messageId, this.currentSeq(), at);
  }

  /**
   * Messages up to `seq` that changed after `seq` was handed out: what a client that last saw `seq`
   * has a stale copy of (later messages come whole in the resume). At most `limit` rows.
   */
  changedSince(seq: number, limit: number): MessageRow[] {
    this.writeQueued();
    return this.all<MessageRow>(
      `SELECT * FROM messages WHERE seq <= ? AND id IN (SELECT message_id FROM changes WHERE after_seq >= ?)
       ORDER BY seq ASC LIMIT ?`,
      seq,
      seq,
      limit,
    );
  }

  // ---- reactions ----

  setReaction(messageId: string, userId: string, emoji: string, on: boolean) {
    this.changed(messageId, Date.now());
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
