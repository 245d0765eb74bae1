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
    return this.addRemote(a);
  }

  /** A socket on one of the room's shards (shard-links.ts): counted like the room's own. */
  addRemote(a: Attachment): boolean {
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
    return this.removeRemote(a);
  }

  removeRemote(a: Attachment): boolean {
    this.connections--;
    if (a.x) return false;
    const entry = this.users.get(a.u);
    if (!entry) return false;
    if (--entry.sockets > 0) return false;
    this.users.delete(a.u);
    return true;
  }

  /** The room's stream's video viewers, pushed by its analytics object (null: never heard). */
  private videoViewers: { n: number; at: number } | null = null;

  setVideoViewers(n: number, now = Date.now()) {
    this.videoViewers = { n, at: now };
  }

  counts(now = Date.now()): Counts {
    // A count not refreshed for this long is stale (the analytics object pushes every few seconds).
    const video = this.videoViewers && now - this.videoViewers.at < 90_000 ? this.videoViewers.n : null;
    const fromBeacons = video !== null && video > this.connections;
    return {
      viewers: fromBeacons ? video : this.connections,
      viewers_from: fromBeacons ? 'beacons' : 'sockets',
      connections: this.connections,
      video_viewers: video,
      members: this.users.size,
    };
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
