import type { ServerFrame } from '@edgelive/shared';
import { frameOf, safeSend } from '../../core/do/socket-frames';

/**
 * The shortest time between two flushes to the room (the tick). A frame produced when the room has
 * been quiet for a tick goes out at once (a zero timer, so frames of the same turn still share it);
 * under load frames wait at most a tick and leave together, so a busy room costs one send per
 * socket per tick instead of one per frame. A send costs the runtime about 25 µs of CPU whatever
 * its size (README: Benchmark), so the tick grows with the sockets to keep a flush's sends within
 * about half of one core: 10 ms for small rooms, 50 ms at 1,000 sockets, never more than 60 ms,
 * well inside the 100 ms latency budget.
 */
export const MIN_TICK_MS = 10;
export const MAX_TICK_MS = 60;
const TICK_MS_PER_SOCKET = 0.05;
export const tickFor = (sockets: number) => Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, sockets * TICK_MS_PER_SOCKET));

/** One serialized frame waiting for the next flush: for the room (but `except`), or for `only` one socket. */
export interface Entry {
  s: string;
  except?: WebSocket;
  only?: WebSocket;
}

/**
 * The room's edge shards (shard-links.ts), as the fan-out sees them: each flush's room frames go to
 * each shard once (`room`), frames for one socket on a shard after the tick's commit (`only`).
 */
export interface RemoteFanOut {
  /** Sockets on the shards: nothing is sent their way while there are none. */
  readonly connections: number;
  room(pending: Entry[]): void;
  only(pending: Entry[]): void;
  tag(tag: string, s: string): void;
  kick(userId: string, s: string): void;
}

/**
 * Every frame that leaves the room goes through here: to one socket, to the room, or to a tag
 * (a user's sockets, the moderators), and, in a sharded room, to each shard once (`remote`).
 *
 * Room frames are serialized once and coalesced per tick for every socket: each socket gets one
 * `batch` frame per flush holding everything since the last (a single frame goes as itself).
 * Sockets that connected with `batch=0` get the same frames at the same flush, one WebSocket frame
 * each. Every send costs the runtime tens of microseconds whatever its size, so this is what lets a
 * busy room keep up (README: Benchmark). The socket sets are in memory and rebuilt from the `b:0`
 * tag after hibernation, so a broadcast never asks the runtime for its sockets.
 *
 * `beforeFlush` hooks run in every flush: the room writes the tick's messages there, so one
 * SQLite commit covers the tick. Room frames leave just before those writes, so the output gate
 * does not hold the broadcast for the commit (on a busy disk that was most of the latency); frames
 * queued for one socket (`queueTo`: the author's `ack`) leave after them and so only once the
 * message is durable. The trade: if the object dies inside the commit (milliseconds), viewers may
 * have seen a message that history lacks; its author got no ack and resends it (a resume from it
 * reports `gap`). Socket.IO has no history at all; this is the same promise for the live path.
 */
export class FanOut {
  private readonly batched = new Set<WebSocket>();
  private readonly plain = new Set<WebSocket>();
  private pending: Entry[] = [];
  /** Sockets that joined since the last flush: how much of `pending` their snapshot already covered. */
  private caughtUp = new Map<WebSocket, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFlushAt = 0;
  private readonly hooks: (() => void)[] = [];
  /** The room's shards, when it has any sockets there. */
  remote: RemoteFanOut | null = null;

  constructor(private readonly ctx: DurableObjectState) {
    const plain = new Set(ctx.getWebSockets('b:0'));
    for (const ws of ctx.getWebSockets()) (plain.has(ws) ? this.plain : this.batched).add(ws);
  }

  /** Runs at the start of every flush (and before a direct frame that must not overtake the queue). */
  beforeFlush(hook: () => void) {
    this.hooks.push(hook);
  }

  /**
   * A new socket. Its snapshot is read from storage after this, so it already holds every queued
   * message: it starts after them (queued presence/counts frames are in the snapshot too).
   */
  add(ws: WebSocket, batch: boolean) {
    (batch ? this.batched : this.plain).add(ws);
    if (this.pending.length) this.caughtUp.set(ws, this.pending.length);
  }

  /** How many sockets the room sends to. */
  get size() {
    return this.batched.size + this.plain.size;
  }

  remove(ws: WebSocket) {
    this.batched.delete(ws);
    this.plain.delete(ws);
    this.caughtUp.delete(ws);
  }

  /** One frame to one socket, now (after what it is owed of the queue, so it overtakes nothing). */
  sendTo(ws: WebSocket, frame: ServerFrame) {
    if (this.pending.length && this.owes(ws)) this.catchUp(ws);
    safeSend(ws, JSON.stringify(frame));
  }

  /**
   * One frame to one socket at the next flush, after the tick's writes: an `ack` must not leave
   * before the message it acknowledges is stored.
   */
  queueTo(ws: WebSocket, frame: ServerFrame) {
    this.pending.push({ s: JSON.stringify(frame), only: ws });
    this.schedule();
  }

  /** Every frame to the whole room, serialized once, at the next flush. */
  broadcast(frame: ServerFrame, except?: WebSocket) {
    this.pending.push({ s: JSON.stringify(frame), except });
    this.schedule();
  }

  /** To the sockets with one tag (`u:<id>`: a user's; `r:moderator`: the moderators'). */
  broadcastTo(tag: string, frame: ServerFrame, except?: WebSocket) {
    // Rare (shadow-banned authors, moderators): flushing first keeps these in order with room frames.
    this.flush();
    const s = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets(tag)) if (ws !== except) safeSend(ws, s);
    this.remote?.tag(tag, s);
  }

  /** A banned user's sockets on the shards get this frame and go. */
  kickRemote(userId: string, frame: ServerFrame) {
    if (!this.remote?.connections) return;
    this.flush();
    this.remote?.kick(userId, JSON.stringify(frame));
  }

  /** Makes sure a flush runs soon even with nothing to send (the hooks have writes to make). */
  requestFlush() {
    this.schedule();
  }

  private schedule() {
    if (this.timer !== null) return;
    const delay = Math.max(0, this.lastFlushAt + tickFor(this.size) - Date.now());
    this.timer = setTimeout(() => this.flush(), delay);
  }

  /** Everything queued, to every socket: one shared string for all who are owed the same frames. */
  flush() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlushAt = Date.now();
    const pending = this.pending;
    const caughtUp = this.caughtUp;
    this.pending = [];
    this.caughtUp = new Map();
    if (pending.length) {
      this.sendRoomFrames(pending, caughtUp);
      this.remote?.room(pending);
    }
    for (const h of this.hooks) h();
    // After the writes: the output gate holds these until the tick's commit is durable.
    // (Not the ones a catch-up already sent: it writes first, then sends everything owed.)
    for (let i = 0; i < pending.length; i++) {
      const to = pending[i]!.only;
      if (to && i >= (caughtUp.get(to) ?? 0) && (this.batched.has(to) || this.plain.has(to)))
        safeSend(to, pending[i]!.s);
    }
    if (pending.length) this.remote?.only(pending);
  }

  /** The queue's room frames (not the ones for one socket), one send per socket. */
  private sendRoomFrames(pending: Entry[], caughtUp: Map<WebSocket, number>) {
    // Sockets owed something other than the common run: authors, targets of `only`, new joiners.
    const special = new Set<WebSocket>(caughtUp.keys());
    const common: string[] = [];
    for (const p of pending) {
      if (p.except) special.add(p.except);
      if (!p.only) common.push(p.s);
    }
    const shared = frameOf(common);
    for (const ws of this.batched) {
      const s = special.has(ws) ? frameOf(this.owedTo(ws, pending, caughtUp.get(ws) ?? 0, false)) : shared;
      if (s !== null) safeSend(ws, s);
    }
    for (const ws of this.plain) {
      const owed = special.has(ws) ? this.owedTo(ws, pending, caughtUp.get(ws) ?? 0, false) : common;
      for (const s of owed) safeSend(ws, s);
    }
  }

  /** Whether the queue holds anything for this socket. */
  private owes(ws: WebSocket) {
    // A socket that is not in the room (refused on arrival) is owed nothing.
    if (!this.batched.has(ws) && !this.plain.has(ws)) return false;
    const from = this.caughtUp.get(ws) ?? 0;
    for (let i = from; i < this.pending.length; i++) {
      const p = this.pending[i]!;
      if (p.except !== ws && (!p.only || p.only === ws)) return true;
    }
    return false;
  }

  /** Sends one socket what it is owed of the queue now (after the tick's writes), and marks it caught up. */
  private catchUp(ws: WebSocket) {
    for (const h of this.hooks) h();
    const owed = this.owedTo(ws, this.pending, this.caughtUp.get(ws) ?? 0);
    this.caughtUp.set(ws, this.pending.length);
    if (this.plain.has(ws)) for (const s of owed) safeSend(ws, s);
    else {
      const s = frameOf(owed);
      if (s !== null) safeSend(ws, s);
    }
  }

  /** What of `pending` (from `from`) goes to this socket; `withOwn: false` leaves out its `queueTo` frames. */
  private owedTo(ws: WebSocket, pending: Entry[], from: number, withOwn = true): string[] {
    const out: string[] = [];
    for (let i = from; i < pending.length; i++) {
      const p = pending[i]!;
      if (p.except !== ws && (p.only ? withOwn && p.only === ws : true)) out.push(p.s);
    }
    return out;
  }
}
