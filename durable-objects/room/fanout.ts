import type { ServerFrame } from '@edgelive/shared';

/** Sends on a socket that may have closed under us; its close handler does the bookkeeping. */
export function safeSend(ws: WebSocket, s: string) {
  try {
    ws.send(s);
  } catch {
    // closed under us
  }
}

/** Closes a socket that may already be closing. */
export function safeClose(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // already closing
  }
}

/** A single frame goes as itself; several as one `batch`, spliced from their serialized forms. */
function frameOf(frames: string[]): string | null {
  if (!frames.length) return null;
  if (frames.length === 1) return frames[0]!;
  return `{"type":"batch","frames":[${frames.join(',')}]}`;
}

/**
 * Every frame that leaves the room goes through here: to one socket, to the room, or to a tag
 * (a user's sockets, the moderators). This is the seam where sharding a very large room plugs in
 * (README: Rooms): `broadcast` becomes a fan-out to the shards.
 *
 * Sockets that connected with `batch=1` get room frames one `batch` frame per flush. Every send to
 * a socket costs the runtime about 50 µs (measured: ~50 ms of CPU per message to 1,000 sockets,
 * ~3x Socket.IO's per delivery), so a busy room sends these once per flush instead of once per
 * message. The set is in memory and rebuilt from the `b:1` tag after hibernation, so the broadcast
 * loop never reads attachments.
 */
export class FanOut {
  private readonly batched = new Set<WebSocket>();
  /** Room-wide frames (serialized once) waiting for the next flush to the batched sockets. */
  private pending: { s: string; except: WebSocket | undefined }[] = [];
  /** How many of `pending` a batched socket already has (it was caught up before a direct frame). */
  private caughtUp = new Map<WebSocket, number>();
  private flushScheduled = false;

  constructor(private readonly ctx: DurableObjectState) {
    for (const ws of ctx.getWebSockets('b:1')) this.batched.add(ws);
  }

  /**
   * A new batched socket. Its snapshot is read from storage after this, so it already holds every
   * queued message: it starts after them (queued presence/counts frames are in the snapshot too).
   */
  addBatched(ws: WebSocket) {
    this.batched.add(ws);
    this.caughtUp.set(ws, this.pending.length);
  }

  remove(ws: WebSocket) {
    this.batched.delete(ws);
    this.caughtUp.delete(ws);
  }

  /** One frame to one socket. */
  sendTo(ws: WebSocket, frame: ServerFrame) {
    // A frame for one socket must not overtake room frames queued before it (an ack for a later
    // message ahead of an earlier message would make a resume from the ack's id skip that message).
    if (this.pending.length && this.batched.has(ws)) this.catchUp(ws);
    safeSend(ws, JSON.stringify(frame));
  }

  /** Every frame to the whole room, serialized once. */
  broadcast(frame: ServerFrame, except?: WebSocket) {
    const s = JSON.stringify(frame);
    if (this.batched.size) {
      this.pending.push({ s, except });
      if (!this.flushScheduled) {
        // A zero timer runs after the inbound frames already waiting, so under load a flush carries
        // everything that arrived meanwhile; when idle it costs one tick. The output gate still
        // holds the flush until the messages' inserts are durable.
        this.flushScheduled = true;
        setTimeout(() => this.flush(), 0);
      }
    }
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || this.batched.has(ws)) continue;
      safeSend(ws, s);
    }
  }

  /** To the sockets with one tag (`u:<id>`: a user's; `r:moderator`: the moderators'). */
  broadcastTo(tag: string, frame: ServerFrame, except?: WebSocket) {
    // Rare (shadow-banned authors, moderators): flushing first keeps these in order with room frames.
    this.flush();
    const s = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets(tag)) if (ws !== except) safeSend(ws, s);
  }

  /** Everything queued, to every batched socket: one shared string for all who need the same frames. */
  flush() {
    this.flushScheduled = false;
    const pending = this.pending;
    if (!pending.length) return;
    const caughtUp = this.caughtUp;
    this.pending = [];
    this.caughtUp = new Map();
    const excepted = new Set(pending.map((p) => p.except));
    const shared = frameOf(pending.map((p) => p.s));
    for (const ws of this.batched) {
      const from = caughtUp.get(ws) ?? 0;
      // Most sockets take the shared string; the authors (and sockets caught up early) get their own.
      const s = from === 0 && !excepted.has(ws) ? shared : this.missedBy(ws, pending, from);
      if (s !== null) safeSend(ws, s);
    }
  }

  /** Sends one batched socket what it has not had of the queue yet. */
  private catchUp(ws: WebSocket) {
    const s = this.missedBy(ws, this.pending, this.caughtUp.get(ws) ?? 0);
    this.caughtUp.set(ws, this.pending.length);
    if (s !== null) safeSend(ws, s);
  }

  private missedBy(ws: WebSocket, pending: { s: string; except: WebSocket | undefined }[], from: number) {
    return frameOf(
      pending
        .slice(from)
        .filter((p) => p.except !== ws)
        .map((p) => p.s),
    );
  }
}
