/**
 * Token buckets held in memory by the room object. They reset when the object is evicted, which
 * only ever forgives a little: eviction needs the room to be idle, and an idle room is not flooding.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = capacity;
    this.at = now;
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
    return b.take(now);
  }

  delete(key: string) {
    this.buckets.delete(key);
  }
}
