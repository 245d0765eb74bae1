/**
 * Token buckets held in memory by the room object; the per-user ones are written to the room's
 * SQLite once per tick (limit-store.ts) and read back when the object wakes, so an eviction does
 * not reset them.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now = Date.now(),
    tokens = capacity,
  ) {
    this.tokens = tokens;
    this.at = now;
  }

  get state() {
    return { tokens: this.tokens, at: this.at };
  }

  /** Takes one token, or returns the seconds until one is available. */
  take(now = Date.now()): { ok: true } | { ok: false; retryAfter: number } {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfter: Math.ceil(((1 - this.tokens) / this.perSecond) * 10) / 10 };
  }
}

/** One bucket per key, with a cap so a stream of one-off keys cannot grow the map without bound. */
export class BucketMap {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Keys taken from since the last `drain`: what needs writing. */
  private readonly dirty = new Set<string>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly maxKeys = 20_000,
  ) {}

  take(key: string, now = Date.now()) {
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      b = new TokenBucket(this.capacity, this.perSecond, now);
      this.buckets.set(key, b);
    }
    this.dirty.add(key);
    return b.take(now);
  }

  get isDirty() {
    return this.dirty.size > 0;
  }

  /** The buckets changed since the last call. */
  drain(): [string, { tokens: number; at: number }][] {
    const out: [string, { tokens: number; at: number }][] = [];
    for (const k of this.dirty) {
      const b = this.buckets.get(k);
      if (b) out.push([k, b.state]);
    }
    this.dirty.clear();
    return out;
  }

  /** A bucket as it was written before an eviction. */
  restore(key: string, tokens: number, at: number) {
    this.buckets.set(key, new TokenBucket(this.capacity, this.perSecond, at, tokens));
  }

  delete(key: string) {
    this.buckets.delete(key);
  }
}
