import type { RoomSettings } from '@edgelive/shared';
import type { Env } from '../../core/env';
import { roomShardStub } from '../../core/stubs';
import type { ShardDirect, ShardEntry } from '../room-shard/contract';
import { shardName } from './contract';
import type { Entry, RemoteFanOut } from './fanout';
import { type Attachment, limitKey } from './room-config';
import type { Presence } from './room-presence';

/**
 * A socket held by one of the room's edge shards, as the room's code sees it: what it sends goes
 * to the shard (which sends it on), closing it asks the shard to. It stands in for a WebSocket in
 * the chat, limits and fan-out code, which only send, close and compare sockets.
 */
export class RemoteSocket {
  constructor(
    readonly k: number,
    readonly id: string,
    private readonly links: ShardLinks,
  ) {}
  send(s: string) {
    this.links.direct(this.k, [{ id: this.id, s }]);
  }
  close(code: number, reason: string) {
    this.links.call(this.k, 'closeSocket', (stub) => stub.closeSocket(this.id, code, reason));
  }
  deserializeAttachment() {
    return null;
  }
}

/** The one place a RemoteSocket passes for a WebSocket (it has the part of one the room uses). */
export const asSocket = (r: RemoteSocket) => r as unknown as WebSocket;
const remote = (ws: WebSocket | undefined) => (ws instanceof RemoteSocket ? ws : null);

/** FNV-1a of a user id (or an anonymous address). */
function hash(s: string) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's finalizer: the scores of one key for different shards come out independent. */
function mix(h: number) {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The shard of `count` a user (or an anonymous address) belongs on: rendezvous hashing, the shard
 * with the highest score for the key. A user always lands on the same shard of a given count, and
 * when the count grows from n to n + 1 only the keys the new shard now wins move (one in n + 1;
 * a modulo would move n in n + 1), and when it shrinks only the retired shards' keys do.
 */
export function shardOf(key: string, count: number) {
  const h = hash(key);
  let best = 0;
  let top = -1;
  for (let k = 0; k < count; k++) {
    const score = mix(h ^ Math.imul(k + 1, 0x9e3779b9));
    if (score > top) {
      top = score;
      best = k;
    }
  }
  return best;
}

type Sharding = Pick<RoomSettings, 'shard_above' | 'max_shards'>;

interface Shard {
  /** Made on first use: the room's id is not known yet when the sockets are restored in the constructor. */
  stub: ReturnType<typeof roomShardStub> | null;
  /** The number of the last delivery sent. */
  n: number;
  sockets: number;
}

/**
 * The primary's side of sharding: where new sockets go, the shards' sockets (kept in the room's
 * SQLite so a hibernated primary remembers them), and one delivery per shard per tick.
 *
 * Routing: sockets stay on the primary until it holds `shard_above`; then each new socket goes to
 * shard `shardOf(user, count)`, with `count` grown by load (one shard per `shard_above` sockets the
 * shards hold, at most `max_shards`). When the count changes, the sockets whose user now belongs
 * on another shard are asked to reconnect, a bounded number a second (`misplaced`). A shard whose
 * sockets have all gone gets nothing more (it is retired: it hibernates and is evicted), and new
 * sockets fill the primary again first.
 */
export class ShardLinks implements RemoteFanOut {
  private readonly shards = new Map<number, Shard>();
  private readonly sockets = new Map<string, { rs: RemoteSocket; a: Attachment }>();
  private readonly perKey = new Map<string, number>();
  /** Sockets asked to reconnect elsewhere (moveMisplaced), not asked again until their shard reports them gone. */
  private readonly moving = new Set<string>();
  /** The shard count new sockets are placed over (0: not decided yet by this instance). */
  private count = 0;
  /** Delivery numbers restart with each instance; the epoch tells shards which numbering a delivery is in. */
  readonly epoch = crypto.randomUUID();

  constructor(
    private readonly env: Env,
    private readonly sql: SqlStorage,
    private readonly presence: Presence,
    private readonly roomId: () => string | null,
  ) {
    for (const row of sql.exec<{ id: string; k: number; a: string }>('SELECT id, k, a FROM shard_sockets')) {
      const a = JSON.parse(row.a) as Attachment;
      this.track(row.k, row.id, a);
      presence.addRemote(a);
    }
  }

  /** Sockets on shards. */
  get connections() {
    return this.sockets.size;
  }

  /** Where a new socket goes: a shard's number, or null for the primary itself. */
  route(key: string, local: number, s: Sharding): number | null {
    if (!s.max_shards || local < s.shard_above) return null;
    return shardOf(key, this.shardCount(s, 1));
  }

  /**
   * How many shards the sockets are spread over: one per `shard_above` sockets they hold (with
   * `adding` about to join), at most `max_shards`. It grows at once, and shrinks only once the
   * shards hold no more than three quarters of one fewer shard's share, so a room at a boundary
   * does not flap (each change asks sockets to move). Sockets asked to move are not counted: they
   * are on their way back. A new instance starts from the sockets it holds.
   */
  private shardCount(s: Sharding, adding = 0) {
    const held = this.sockets.size - this.moving.size + adding;
    const need = Math.min(s.max_shards, Math.max(1, Math.ceil(held / s.shard_above)));
    if (this.count === 0 || need > this.count || this.count > s.max_shards) this.count = need;
    else if (held <= (this.count - 1) * s.shard_above * 0.75) this.count = need;
    return this.count;
  }

  /**
   * Up to `n` sockets on a shard their user no longer belongs on (the count changed since they
   * came: shards added, or retired), marked as moving: the room asks each to reconnect, and the
   * Worker places it anew, so no shard keeps a skewed share.
   */
  misplaced(s: Sharding, n: number): RemoteSocket[] {
    if (!s.max_shards || n <= 0 || this.sockets.size === this.moving.size) return [];
    const count = this.shardCount(s);
    const out: RemoteSocket[] = [];
    for (const [id, { rs, a }] of this.sockets) {
      if (out.length >= n) break;
      if (this.moving.has(id) || shardOf(limitKey(a), count) === rs.k) continue;
      this.moving.add(id);
      out.push(rs);
    }
    return out;
  }

  /** This limits key's sockets on shards (the per-user caps count every shard). */
  countFor(key: string) {
    return this.perKey.get(key) ?? 0;
  }

  /** How many sockets each shard holds, for stats. */
  perShard(): Record<string, number> {
    return Object.fromEntries([...this.shards].filter(([, s]) => s.sockets > 0).map(([k, s]) => [k, s.sockets]));
  }

  lastDelivery(k: number) {
    return this.shard(k).n;
  }

  socket(k: number, id: string) {
    const r = this.sockets.get(id);
    return r && r.rs.k === k ? r : null;
  }

  /** A shard took a socket on; returns it and whether its user is new in the room (a presence join). */
  join(k: number, id: string, a: Attachment) {
    this.sql.exec('INSERT OR REPLACE INTO shard_sockets (id, k, a) VALUES (?, ?, ?)', id, k, JSON.stringify(a));
    return { rs: this.track(k, id, a), joined: this.presence.addRemote(a) };
  }

  private track(k: number, id: string, a: Attachment) {
    const rs = new RemoteSocket(k, id, this);
    this.sockets.set(id, { rs, a });
    const key = limitKey(a);
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
    this.shard(k).sockets++;
    return rs;
  }

  /** A shard's sockets closed; returns the attachments of users who have no socket left (presence leaves). */
  leave(k: number, ids: string[]): { rs: RemoteSocket; a: Attachment; last: boolean }[] {
    const out: { rs: RemoteSocket; a: Attachment; last: boolean }[] = [];
    for (const id of ids) {
      const r = this.socket(k, id);
      if (!r) continue;
      this.sockets.delete(id);
      this.moving.delete(id);
      this.sql.exec('DELETE FROM shard_sockets WHERE id = ?', id);
      const key = limitKey(r.a);
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left > 0) this.perKey.set(key, left);
      else this.perKey.delete(key);
      this.shard(k).sockets--;
      out.push({ ...r, last: this.presence.removeRemote(r.a) });
    }
    return out;
  }

  private shard(k: number): Shard {
    let s = this.shards.get(k);
    if (!s) {
      s = { stub: null, n: 0, sockets: 0 };
      this.shards.set(k, s);
    }
    return s;
  }

  /**
   * Every call to a shard: not awaited (the stub keeps their order). A failed call is logged, not
   * dropped unseen, and its stub let go: after an exception the runtime may leave a stub broken,
   * and every later call on it would fail too.
   */
  call(k: number, what: string, f: (stub: ReturnType<typeof roomShardStub>) => Promise<unknown>) {
    const sh = this.shard(k);
    const roomId = this.roomId();
    if (!roomId) {
      this.failed(k, what, new Error('the room has no configuration yet'));
      return;
    }
    sh.stub ??= roomShardStub(this.env, shardName(roomId, k));
    const stub = sh.stub;
    f(stub).catch((err: unknown) => {
      if (sh.stub === stub) sh.stub = null;
      this.failed(k, what, err);
    });
  }

  private failed(k: number, what: string, err: unknown) {
    console.error(JSON.stringify({ msg: 'room shard call failed', shard: k, call: what, error: String(err) }));
  }

  private active() {
    return [...this.shards].filter(([, s]) => s.sockets > 0);
  }

  // ---- the fan-out's remote side (fanout.ts) ----

  /** The tick's room frames: one numbered delivery per shard, its author's socket marked. */
  room(pending: Entry[]) {
    const shards = this.active();
    if (!shards.length) return;
    const base: ShardEntry[] = [];
    for (const p of pending) if (!p.only) base.push({ s: p.s });
    if (!base.length) return;
    for (const [k, sh] of shards) {
      let entries = base;
      if (pending.some((p) => remote(p.except)?.k === k)) {
        entries = [];
        for (const p of pending) {
          if (p.only) continue;
          const x = remote(p.except);
          entries.push(x && x.k === k ? { s: p.s, x: x.id } : { s: p.s });
        }
      }
      const n = ++sh.n;
      this.call(k, 'deliver', (stub) => stub.deliver(this.epoch, n, entries));
    }
  }

  /** The tick's frames for single shard sockets (acks), after the tick's commit. */
  only(pending: Entry[]) {
    const by = new Map<number, ShardDirect[]>();
    for (const p of pending) {
      const r = remote(p.only);
      if (!r || !this.sockets.has(r.id)) continue;
      const list = by.get(r.k) ?? [];
      list.push({ id: r.id, s: p.s });
      by.set(r.k, list);
    }
    for (const [k, items] of by) this.direct(k, items);
  }

  direct(k: number, items: ShardDirect[]) {
    this.call(k, 'direct', (stub) => stub.direct(items));
  }

  tag(tag: string, s: string) {
    for (const [k] of this.active()) this.call(k, 'toTag', (stub) => stub.toTag(tag, s));
  }

  kick(userId: string, s: string) {
    for (const [k] of this.active()) this.call(k, 'kick', (stub) => stub.kick(userId, s));
  }

  shutdown() {
    for (const [k] of this.active()) this.call(k, 'shutdown', (stub) => stub.shutdown());
    this.sql.exec('DELETE FROM shard_sockets');
  }
}
