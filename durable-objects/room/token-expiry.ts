/**
 * Past the first, expiry checks run at most this often: a 10k-socket room whose tokens expire at
 * 10k different times is swept in batches, not woken 10k times. A socket may so outlive its
 * token by up to this long, well within the 30 s clock tolerance given to tokens.
 */
export const EXPIRY_SWEEP_MS = 5000;

/**
 * When each socket's chat token expires, in memory (rebuilt from the attachments on wake), so the
 * `expiry` timer closes exactly the sockets whose time has come.
 */
export class TokenExpiry {
  private readonly at = new Map<WebSocket, number>();

  add(ws: WebSocket, expiresAt: number) {
    this.at.set(ws, expiresAt);
  }

  remove(ws: WebSocket) {
    this.at.delete(ws);
  }

  /** The sockets expired by `now`, and when to look again (null: no token left to watch). */
  due(now: number): { expired: WebSocket[]; next: number | null } {
    const expired: WebSocket[] = [];
    let next: number | null = null;
    for (const [ws, t] of this.at) {
      if (t <= now) expired.push(ws);
      else if (next === null || t < next) next = t;
    }
    for (const ws of expired) this.at.delete(ws);
    return { expired, next: next === null ? null : Math.max(next, now + EXPIRY_SWEEP_MS) };
  }
}
