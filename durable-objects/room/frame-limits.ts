import type { ChatRole } from '@edgelive/shared';
import { BucketMap, TokenBucket } from './rate-limit';
import { type ErrorFrame, errorFrame, type TypingState } from './send-policy';

/** Per connection, every frame: a burst of 30, then 15 a second. */
const CONN_BURST = 30;
const CONN_RATE = 15;
/**
 * Per user across all their connections and every frame type (send, edit, react, typing, burst,
 * flag, history...); anonymous viewers share one budget per address. Admins (bots) are exempt.
 */
const FRAME_LIMITS = { user: [30, 10], moderator: [60, 20] } as const;
/** Per user, messages across all their connections; moderators get more, admins (bots) are exempt. */
const SEND_LIMITS = { user: [8, 1], moderator: [30, 5] } as const;
/** Per reporter: five flags, then one a minute. */
const FLAG_BURST = 5;
const FLAG_RATE = 1 / 60;
/** A connection refused this many times without a quiet spell is flooding, not chatting: drop it. */
const FLOOD_STRIKES = 100;
const FLOOD_FORGIVE_MS = 10_000;

export type Verdict = { ok: true } | { ok: false; retryAfter: number };
export type ConnVerdict = Verdict | { ok: false; drop: true };

/**
 * The room's rate limits, in memory. The per-user (and per-address) budgets are written once per
 * tick and restored when the object wakes (`persisted`/`restore`), so an eviction forgives nothing;
 * the per-connection buckets live and die with the instance (a flood keeps its object awake).
 */
export class FrameLimits {
  private readonly conns = new WeakMap<WebSocket, { bucket: TokenBucket; strikes: number; lastStrike: number }>();
  /** When a connection last got a `rate_limited` frame: at most one a second, so a flood is not echoed. */
  private readonly lastRefusal = new WeakMap<WebSocket, number>();
  private readonly frames = {
    user: new BucketMap(...FRAME_LIMITS.user),
    moderator: new BucketMap(...FRAME_LIMITS.moderator),
  };
  private readonly sends = {
    user: new BucketMap(...SEND_LIMITS.user),
    moderator: new BucketMap(...SEND_LIMITS.moderator),
  };
  private readonly flags = new BucketMap(FLAG_BURST, FLAG_RATE);
  readonly typing = new Map<string, TypingState>();

  /** Every per-user bucket map, by the prefix its rows are stored under. */
  private get maps(): [string, BucketMap][] {
    return [
      ['f:user:', this.frames.user],
      ['f:moderator:', this.frames.moderator],
      ['s:user:', this.sends.user],
      ['s:moderator:', this.sends.moderator],
      ['g:', this.flags],
    ];
  }

  get dirty() {
    return this.maps.some(([, m]) => m.isDirty);
  }

  /** The buckets that changed since the last call, as storage rows. */
  persisted(): { key: string; tokens: number; at: number }[] {
    return this.maps.flatMap(([prefix, m]) => m.drain().map(([k, b]) => ({ key: prefix + k, ...b })));
  }

  restore(rows: { key: string; tokens: number; at: number }[]) {
    const maps = this.maps;
    for (const r of rows) {
      const hit = maps.find(([prefix]) => r.key.startsWith(prefix));
      if (hit) hit[1].restore(r.key.slice(hit[0].length), r.tokens, r.at);
    }
  }

  /**
   * One frame's passage through the connection's budget, then its user's (or address's): null to
   * go ahead, `drop` for a connection that kept flooding, else refused, with the frame to tell the
   * sender (null when they were told less than a second ago, so a flood is not echoed).
   */
  admit(ws: WebSocket, key: string, role: ChatRole, now: number): null | 'drop' | { tell: ErrorFrame | null } {
    const conn = this.connection(ws, now);
    if (!conn.ok) {
      if ('drop' in conn) return 'drop';
      return { tell: this.refusal(ws, 'Too many frames on this connection.', conn.retryAfter, now) };
    }
    const user = this.frame(key, role, now);
    if (!user.ok)
      return { tell: this.refusal(ws, 'Too many frames from you across your connections.', user.retryAfter, now) };
    return null;
  }

  private refusal(ws: WebSocket, message: string, retryAfter: number, now: number) {
    return this.mayTell(ws, now) ? errorFrame('rate_limited', message, { retry_after: retryAfter }) : null;
  }

  /** Any frame on this connection; `drop` once it has kept flooding. */
  private connection(ws: WebSocket, now: number): ConnVerdict {
    let c = this.conns.get(ws);
    if (!c) {
      c = { bucket: new TokenBucket(CONN_BURST, CONN_RATE, now), strikes: 0, lastStrike: 0 };
      this.conns.set(ws, c);
    }
    const r = c.bucket.take(now);
    if (r.ok) return r;
    // Refusals count towards a drop until the connection has kept within its limit for a while.
    if (now - c.lastStrike > FLOOD_FORGIVE_MS) c.strikes = 0;
    c.lastStrike = now;
    if (++c.strikes >= FLOOD_STRIKES) return { ok: false, drop: true };
    return r;
  }

  /** Any frame from this user (or, for anonymous viewers, this address) across their connections. */
  private frame(key: string, role: ChatRole, now: number): Verdict {
    return role === 'admin' ? { ok: true } : this.frames[role].take(key, now);
  }

  send(userId: string, role: ChatRole, now: number): Verdict {
    return role === 'admin' ? { ok: true } : this.sends[role].take(userId, now);
  }

  flag(reporter: string, now: number): Verdict {
    return this.flags.take(reporter, now);
  }

  /** Whether a `rate_limited` frame may go to this connection now (at most one a second). */
  private mayTell(ws: WebSocket, now: number) {
    const last = this.lastRefusal.get(ws) ?? 0;
    if (now - last < 1000) return false;
    this.lastRefusal.set(ws, now);
    return true;
  }
}
