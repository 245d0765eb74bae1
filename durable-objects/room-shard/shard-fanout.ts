import { frameOf, safeSend } from '../../core/do/socket-frames';
import type { ShardDirect, ShardEntry } from './contract';

/** How many of the primary's deliveries a shard keeps, for sockets whose join overtook one. */
const RECENT = 64;

interface ShardSocketAttachment {
  s: string;
}

/**
 * A shard's side of the room's fan-out: each delivery from the primary (one per tick, numbered)
 * becomes one send per socket, the same string for every socket that is owed the same frames.
 *
 * A socket joins with the number of the last delivery its snapshot covers (`upTo`). The primary
 * sends deliveries and answers the join on different calls, so a delivery after `upTo` may arrive
 * before the join (it is replayed from the recent ones kept here) or one up to `upTo` after it (it
 * is skipped for that socket): no loss, no duplicates. Numbers restart when the primary does (a new
 * `epoch`); sockets waiting on an old epoch's number take the new epoch's deliveries as they come.
 */
export class ShardFanOut {
  private readonly batched = new Set<WebSocket>();
  private readonly plain = new Set<WebSocket>();
  private readonly byId = new Map<string, WebSocket>();
  private readonly waiting = new Map<WebSocket, { epoch: string; from: number }>();
  private epoch = '';
  private recent: { n: number; entries: ShardEntry[] }[] = [];

  constructor(ctx: DurableObjectState) {
    // After hibernation the sockets are still here: rebuild the indexes from their tags and attachments.
    const plain = new Set(ctx.getWebSockets('b:0'));
    for (const ws of ctx.getWebSockets()) {
      const a = ws.deserializeAttachment() as ShardSocketAttachment | null;
      if (!a?.s) continue;
      (plain.has(ws) ? this.plain : this.batched).add(ws);
      this.byId.set(a.s, ws);
    }
  }

  get size() {
    return this.batched.size + this.plain.size;
  }

  socket(id: string) {
    return this.byId.get(id);
  }

  /** A socket the primary took on: its first frames now, then the deliveries after `upTo`. */
  join(ws: WebSocket, id: string, batch: boolean, frames: string[], epoch: string, upTo: number) {
    (batch ? this.batched : this.plain).add(ws);
    this.byId.set(id, ws);
    for (const f of frames) safeSend(ws, f);
    let from = upTo + 1;
    if (epoch === this.epoch) {
      for (const r of this.recent) {
        if (r.n < from) continue;
        this.sendTo(
          ws,
          r.entries.map((e) => e.s),
        );
        from = r.n + 1;
      }
    }
    this.waiting.set(ws, { epoch, from });
  }

  /** Returns whether the socket was one of the shard's (so its leave is reported once). */
  remove(ws: WebSocket, id: string) {
    this.waiting.delete(ws);
    if (this.byId.get(id) === ws) this.byId.delete(id);
    return this.batched.delete(ws) || this.plain.delete(ws);
  }

  /** One numbered delivery from the primary, to every socket owed it. */
  deliver(epoch: string, n: number, entries: ShardEntry[]) {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.recent = [];
    }
    this.recent.push({ n, entries });
    if (this.recent.length > RECENT) this.recent.shift();
    // Sockets owed something other than the common run: the authors `x` leaves out, and new joiners.
    const special = new Map<WebSocket, string[]>();
    for (const [ws, w] of this.waiting) {
      if (w.epoch === epoch && n < w.from) special.set(ws, []);
      else this.waiting.delete(ws);
    }
    const all = entries.map((e) => e.s);
    for (const e of entries) {
      const ws = e.x === undefined ? undefined : this.byId.get(e.x);
      if (ws && !special.has(ws))
        special.set(
          ws,
          entries.filter((o) => o.x !== e.x).map((o) => o.s),
        );
    }
    const shared = frameOf(all);
    for (const ws of this.batched) {
      const own = special.get(ws);
      const s = own ? frameOf(own) : shared;
      if (s !== null) safeSend(ws, s);
    }
    for (const ws of this.plain) for (const s of special.get(ws) ?? all) safeSend(ws, s);
  }

  /** Frames for single sockets (acks after the primary's commit, errors, history pages). */
  direct(items: ShardDirect[]) {
    for (const d of items) {
      const ws = this.byId.get(d.id);
      if (ws) safeSend(ws, d.s);
    }
  }

  private sendTo(ws: WebSocket, frames: string[]) {
    if (this.plain.has(ws)) for (const s of frames) safeSend(ws, s);
    else {
      const s = frameOf(frames);
      if (s !== null) safeSend(ws, s);
    }
  }
}
