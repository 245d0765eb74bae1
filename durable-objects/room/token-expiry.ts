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
  /** When this instance last asked for the `expiry` timer (null: not since it woke). */
  private timerAt: number | null = null;

  /** A socket found on wake; its timer is already in the schedules table. */
  restore(ws: WebSocket, expiresAt: number) {
    this.at.set(ws, expiresAt);
  }

  /** True when the `expiry` timer must be moved earlier for this socket (so a join storm writes it once). */
  add(ws: WebSocket, expiresAt: number): boolean {
    this.at.set(ws, expiresAt);
    if (this.timerAt !== null && this.timerAt <= expiresAt) return false;
    this.timerAt = expiresAt;
    return true;
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
    this.timerAt = next === null ? null : Math.max(next, now + EXPIRY_SWEEP_MS);
    return { expired, next: this.timerAt };
  }
}
