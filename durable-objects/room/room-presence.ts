import type { Counts, Member } from '@edgelive/shared';
import type { Attachment } from './room-config';

export const memberOf = (a: Attachment): Member => ({ id: a.u, name: a.n, avatar: a.a, role: a.r });

/**
 * Who is connected, kept in memory and rebuilt from the sockets' attachments when the object wakes,
 * so counting a join or a leave never scans every socket.
 */
export class Presence {
  private readonly users = new Map<string, { member: Member; sockets: number }>();
  private readonly counted = new WeakSet<WebSocket>();
  private connections = 0;

  /** Returns true when this is the user's first socket (a presence join). */
  add(ws: WebSocket, a: Attachment): boolean {
    if (this.counted.has(ws)) return false;
    this.counted.add(ws);
    this.connections++;
    if (a.x) return false;
    const entry = this.users.get(a.u);
    if (entry) {
      entry.sockets++;
      return false;
    }
    this.users.set(a.u, { member: memberOf(a), sockets: 1 });
    return true;
  }

  /** Returns true when this was the user's last socket (a presence leave). Safe to call twice. */
  remove(ws: WebSocket, a: Attachment): boolean {
    if (!this.counted.has(ws)) return false;
    this.counted.delete(ws);
    this.connections--;
    if (a.x) return false;
    const entry = this.users.get(a.u);
    if (!entry) return false;
    if (--entry.sockets > 0) return false;
    this.users.delete(a.u);
    return true;
  }

  counts(): Counts {
    return { viewers: this.connections, members: this.users.size };
  }

  /** The people present, capped: a snapshot of a 50,000-viewer room must stay small. */
  list(max = 200): Member[] {
    const out: Member[] = [];
    for (const { member } of this.users.values()) {
      if (out.length >= max) break;
      out.push(member);
    }
    return out;
  }
}
