import type { ServerFrameOf, StreamStatus } from '@edgelive/shared';
import type { FanOut } from './fanout';
import type { RoomStore } from './room-store';

/**
 * The last status of the room's stream, kept in the room's SQLite so a socket that joins after a
 * hibernation still hears it. Transitions arrive from the stream's reactions (core/stream-reactions)
 * and may be retried or arrive late: one older than what the room holds is ignored.
 */
const KEY = 'stream_status';

export class StreamStatusBoard {
  constructor(
    private readonly store: RoomStore,
    private readonly out: FanOut,
  ) {}

  current(): StreamStatus | null {
    const raw = this.store.getMeta(KEY);
    return raw ? (JSON.parse(raw) as StreamStatus) : null;
  }

  update(s: StreamStatus) {
    const before = this.current();
    if (before && before.at > s.at) return;
    this.store.setMeta(KEY, JSON.stringify(s));
    this.out.broadcast({ type: 'stream_status', stream: s });
  }

  /**
   * The program input changed (a switch or a failover) while the stream is on: the status stays,
   * with the new input, so a page joining later hears which camera is on air too.
   */
  setInput(input: string) {
    const before = this.current();
    if (!before || before.status === 'idle' || before.input === input) return;
    const s = { ...before, input };
    this.store.setMeta(KEY, JSON.stringify(s));
    this.out.broadcast({ type: 'stream_status', stream: s });
  }

  greet(ws: WebSocket) {
    const f = this.frame();
    if (f) this.out.sendTo(ws, f);
  }

  /** A new socket's stream status frame, if the room has a stream (a shard's socket gets it with its snapshot). */
  frame(): ServerFrameOf<'stream_status'> | null {
    const s = this.current();
    return s ? { type: 'stream_status', stream: s } : null;
  }
}
