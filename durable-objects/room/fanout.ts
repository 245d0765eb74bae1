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

/**
 * A big room's sockets are flushed in groups of about this many, each group a tick after its
 * last flush and the groups spread over the tick. A flush's sends all leave before the last socket
 * hears anything (the runtime writes them once the flush's JavaScript returns), so one flush to
 * 1,000 sockets made the last of them wait for the whole flush (~40 ms) on top of the tick; a group
 * of 250 costs a quarter of that, and the CPU (one send per socket per tick) is the same.
 */
const GROUP_SOCKETS = 250;
const MAX_GROUPS = 8;
export const groupsFor = (sockets: number) => Math.min(MAX_GROUPS, Math.max(1, Math.ceil(sockets / GROUP_SOCKETS)));

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

/** A socket the room sends to: how far into the log it has been sent, and its group. */
interface Member {
  at: number;
  plain: boolean;
  group: number;
}

/**
 * Every frame that leaves the room goes through here: to one socket, to the room, or to a tag
 * (a user's sockets, the moderators), and, in a sharded room, to each shard once (`remote`).
 *
 * Room frames are serialized once and coalesced per tick for every socket: each socket gets one
 * `batch` frame per flush holding everything since its last (a single frame goes as itself).
 * Sockets that connected with `batch=0` get the same frames at the same flush, one WebSocket frame
 * each. Every send costs the runtime tens of microseconds whatever its size, so this is what lets a
 * busy room keep up (README: Benchmark). The socket sets are in memory and rebuilt from the `b:0`
 * tag after hibernation, so a broadcast never asks the runtime for its sockets.
 *
 * Frames wait in one log; each socket knows how far into it it has been sent (`at`), so a group
 * flush, a catch-up before a direct frame and a joiner's start all read the same log. A frame
 * produced when every group is due (the room has been quiet for a tick) goes to all of them at
 * once (a zero timer, so frames of the same turn still share it); under load each group is
 * flushed a tick after its last flush, the groups a fraction of the tick apart (`groupsFor`).
 *
 * `beforeFlush` hooks run in every flush: the room writes the queued messages there, so one
 * SQLite commit covers them. Room frames leave just before those writes, so the output gate
 * does not hold the broadcast for the commit (on a busy disk that was most of the latency); frames
 * queued for one socket (`queueTo`: the author's `ack`) leave after them and so only once the
 * message is durable. The trade: if the object dies inside the commit (milliseconds), viewers may
 * have seen a message that history lacks; its author got no ack and resends it (a resume from it
 * reports `gap`). Socket.IO has no history at all; this is the same promise for the live path.
 */
export class FanOut {
  private readonly members = new Map<WebSocket, Member>();
  private groups: Set<WebSocket>[] = [new Set()];
  /** When each group may be flushed next (epoch ms). */
  private due: number[] = [0];
  /** How far into the log each group has been flushed (its sockets are at least there). */
  private groupAt: number[] = [0];
  private nextGroup = 0;
  private log: Entry[] = [];
  /** The log index of `log[0]` (indexes only grow). */
  private base = 0;
  /** How far into the log the shards have been sent the room frames. */
  private remoteAt = 0;
  /** Sockets a log entry names (an author's `except`, an `only` target): they take the slow path. */
  private readonly named = new Map<WebSocket, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** How far into the log the hooks have written (frames for one socket before it may leave). */
  private writtenAt = 0;
  /** Frames for one socket whose group was flushed before their message was written. */
  private held: [WebSocket, Member, string][] = [];
  private readonly hooks: (() => void)[] = [];
  /** The room's shards, when it has any sockets there. */
  remote: RemoteFanOut | null = null;

  constructor(private readonly ctx: DurableObjectState) {
    const plain = new Set(ctx.getWebSockets('b:0'));
    for (const ws of ctx.getWebSockets()) this.add(ws, !plain.has(ws));
    this.regroup();
  }

  /** Runs at the start of every flush (and before a direct frame that must not overtake the queue). */
  beforeFlush(hook: () => void) {
    this.hooks.push(hook);
  }

  private get end() {
    return this.base + this.log.length;
  }

  /**
   * A new socket. Its snapshot is read from storage after this, so it already holds every queued
   * message: it starts after them (queued presence/counts frames are in the snapshot too).
   */
  add(ws: WebSocket, batch: boolean) {
    const group = this.nextGroup++ % this.groups.length;
    this.members.set(ws, { at: this.end, plain: !batch, group });
    this.groups[group]!.add(ws);
  }

  /** How many sockets the room sends to. */
  get size() {
    return this.members.size;
  }

  remove(ws: WebSocket) {
    const m = this.members.get(ws);
    if (!m) return;
    this.groups[m.group]?.delete(ws);
    this.members.delete(ws);
  }

  /** One frame to one socket, now (after what it is owed of the queue, so it overtakes nothing). */
  sendTo(ws: WebSocket, frame: ServerFrame) {
    const m = this.members.get(ws);
    if (m && m.at < this.end && this.owes(ws, m.at)) this.catchUp(ws, m);
    safeSend(ws, JSON.stringify(frame));
  }

  /**
   * One frame to one socket at its next flush, after the flush's writes: an `ack` must not leave
   * before the message it acknowledges is stored.
   */
  queueTo(ws: WebSocket, frame: ServerFrame) {
    this.push({ s: JSON.stringify(frame), only: ws });
  }

  /** Every frame to the whole room, serialized once, at the next flush. */
  broadcast(frame: ServerFrame, except?: WebSocket) {
    this.push({ s: JSON.stringify(frame), except });
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

  private push(e: Entry) {
    this.log.push(e);
    for (const ws of [e.except, e.only]) if (ws) this.named.set(ws, (this.named.get(ws) ?? 0) + 1);
    this.schedule();
  }

  private schedule() {
    if (this.timer !== null) return;
    const delay = Math.max(0, Math.min(...this.due) - Date.now());
    this.timer = setTimeout(() => this.onTimer(), delay);
  }

  /** The groups that are due; the one due first if the timer fired a little early. */
  private onTimer() {
    this.timer = null;
    const now = Date.now();
    this.regroup();
    let due = this.due.flatMap((d, g) => (d <= now ? [g] : []));
    if (!due.length) due = [this.due.indexOf(Math.min(...this.due))];
    this.flushGroups(due, now, due.length === this.groups.length);
    if (this.behind()) this.schedule();
  }

  /** Everything queued, to every socket and shard, now. */
  flush() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.regroup();
    this.flushGroups(
      this.groups.map((_, g) => g),
      Date.now(),
      true,
    );
  }

  private behind() {
    const end = this.end;
    return this.held.length > 0 || this.remoteAt < end || this.groupAt.some((a) => a < end);
  }

  /**
   * One flush of some groups: room frames first (one shared string for all who are owed the same),
   * then the hooks' writes, then the frames for one socket. Group 0's flush also sends the shards
   * what is new (once per tick, as one numbered delivery each). After a flush of every group the
   * groups are due again spread over the next tick, so the next ones go out a fraction apart.
   */
  private flushGroups(groups: number[], now: number, all: boolean) {
    const end = this.end;
    const tick = tickFor(this.size);
    const n = this.groups.length;
    // The writes run once a tick (group 0's flush, or a flush of all): one commit per tick, as before groups.
    const write = all || groups.includes(0);
    const own = new Map<WebSocket, { m: Member; frames: string[] }>();
    const shared = new Map<number, { common: string[]; s: string | null }>();
    for (const g of groups) {
      for (const ws of this.groups[g]!) {
        const m = this.members.get(ws)!;
        if (m.at >= end) continue;
        if (this.named.has(ws)) {
          const { room, only } = this.owedTo(ws, m.at, end);
          this.sendFrames(ws, m, room);
          // Frames for it alone (acks) leave once what they answer is written: after this flush's
          // writes, or, queued since the last writes, after the next ones (`held`).
          for (const [i, f] of only) {
            if (!write && i >= this.writtenAt) this.held.push([ws, m, f]);
            else {
              const o = own.get(ws) ?? { m, frames: [] };
              o.frames.push(f);
              own.set(ws, o);
            }
          }
        } else {
          let c = shared.get(m.at);
          if (!c) {
            const common: string[] = [];
            for (let i = m.at - this.base; i < this.log.length; i++)
              if (!this.log[i]!.only) common.push(this.log[i]!.s);
            c = { common, s: frameOf(common) };
            shared.set(m.at, c);
          }
          if (m.plain) for (const s of c.common) safeSend(ws, s);
          else if (c.s !== null) safeSend(ws, c.s);
        }
        m.at = end;
      }
      this.groupAt[g] = end;
      this.due[g] = now + (all ? (tick * (g + 1)) / n : tick);
    }
    const toShards = groups.includes(0) && this.remoteAt < end ? this.log.slice(this.remoteAt - this.base) : [];
    if (toShards.length) this.remote?.room(toShards);
    if (write) this.written();
    // After the writes: the output gate holds these until the commit is durable.
    for (const [ws, o] of own) this.sendFrames(ws, o.m, o.frames);
    if (toShards.length) this.remote?.only(toShards);
    if (groups.includes(0)) this.remoteAt = end;
    this.trim();
  }

  /** Drops the log entries every group and the shards have been sent. */
  private trim() {
    let min = this.remoteAt;
    for (const a of this.groupAt) if (a < min) min = a;
    const drop = min - this.base;
    if (drop <= 0) return;
    for (let i = 0; i < drop; i++) {
      const e = this.log[i]!;
      for (const ws of [e.except, e.only]) {
        if (!ws) continue;
        const left = (this.named.get(ws) ?? 1) - 1;
        if (left > 0) this.named.set(ws, left);
        else this.named.delete(ws);
      }
    }
    this.log = this.log.slice(drop);
    this.base = min;
  }

  /** Spreads the sockets over as many groups as the room's size wants (when that changed). */
  private regroup() {
    const n = groupsFor(this.size);
    if (n === this.groups.length) return;
    const end = this.end;
    const due = Math.min(...this.due);
    this.groups = Array.from({ length: n }, () => new Set<WebSocket>());
    this.groupAt = Array.from({ length: n }, () => end);
    this.due = Array.from({ length: n }, () => due);
    let i = 0;
    for (const [ws, m] of this.members) {
      m.group = i++ % n;
      this.groups[m.group]!.add(ws);
      if (m.at < this.groupAt[m.group]!) this.groupAt[m.group] = m.at;
    }
    this.nextGroup = i;
  }

  /** Whether the log holds anything for this socket from `from`. */
  private owes(ws: WebSocket, from: number) {
    for (let i = from - this.base; i < this.log.length; i++) {
      const p = this.log[i]!;
      if (p.except !== ws && (!p.only || p.only === ws)) return true;
    }
    return false;
  }

  /** Sends one socket what it is owed of the log now (after the writes), in order. */
  private catchUp(ws: WebSocket, m: Member) {
    this.written();
    const owed: string[] = [];
    for (let i = m.at - this.base; i < this.log.length; i++) {
      const p = this.log[i]!;
      if (p.except !== ws && (!p.only || p.only === ws)) owed.push(p.s);
    }
    m.at = this.end;
    this.sendFrames(ws, m, owed);
  }

  /** The room frames (but its own) and the frames for it alone (with their log index), between `from` and `end`. */
  private owedTo(ws: WebSocket, from: number, end: number) {
    const room: string[] = [];
    const only: [number, string][] = [];
    for (let i = from - this.base; i < end - this.base; i++) {
      const p = this.log[i]!;
      if (p.only) {
        if (p.only === ws) only.push([this.base + i, p.s]);
      } else if (p.except !== ws) room.push(p.s);
    }
    return { room, only };
  }

  /** Runs the hooks (the queued writes); then the frames held for them go (to sockets still here). */
  private written() {
    for (const h of this.hooks) h();
    this.writtenAt = this.end;
    if (!this.held.length) return;
    const held = this.held;
    this.held = [];
    const by = new Map<WebSocket, { m: Member; frames: string[] }>();
    for (const [ws, m, f] of held) {
      if (this.members.get(ws) !== m) continue;
      const o = by.get(ws) ?? { m, frames: [] };
      o.frames.push(f);
      by.set(ws, o);
    }
    for (const [ws, o] of by) this.sendFrames(ws, o.m, o.frames);
  }

  private sendFrames(ws: WebSocket, m: Member, frames: string[]) {
    if (m.plain) for (const s of frames) safeSend(ws, s);
    else {
      const s = frameOf(frames);
      if (s !== null) safeSend(ws, s);
    }
  }
}
