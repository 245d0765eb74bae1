import { bucketOf, GRANULARITIES, type MeterName } from '@edgelive/shared/usage';
import type { Env } from '../env';

/**
 * Usage counting off the hot path. A request adds to an in-memory total of its isolate; the first
 * addition after a flush sets the next one `FLUSH_DELAY_MS` later (each adding request keeps itself
 * alive until then with its `waitUntil`), which writes every total as one D1 batch of additive upserts into the
 * minute, hour and day buckets. So a thousand segment requests in a second cost one batch, not a
 * thousand writes, and isolates flushing at once only ever add (`quantity = quantity + ?`).
 *
 * Quantities are attributed to the minute the work happened in, not the minute of the flush.
 * The one loss: an isolate that dies within the second after a request drops that second.
 */
export const FLUSH_DELAY_MS = 1_000;

export interface UsagePoint {
  appId: string;
  /** '' (or absent) for app-level work. */
  streamId?: string;
  meter: MeterName;
  /** Below the stream: the simulcast target of `simulcast_seconds` ('' or absent otherwise). */
  dimension?: string;
  quantity: number;
  /** When the work happened (epoch ms); defaults to now. */
  at?: number;
}

type WaitUntil = (p: Promise<unknown>) => void;

/** A pending total's key, split: minute, app, stream, meter, dimension. */
type Key = [string, string, string, string, string];

/** Analytics Engine in production; the binding is absent (or a no-op) locally. */
interface DataPoints {
  writeDataPoint(p: { indexes?: string[]; blobs?: string[]; doubles?: number[] }): void;
}

/** One additive upsert of a bucket row; the storage sampler writes its samples with it too. */
export const UPSERT = `INSERT INTO usage_buckets (granularity, bucket, app_id, stream_id, meter, dimension, quantity)
  VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (granularity, bucket, app_id, stream_id, meter, dimension) DO UPDATE SET quantity = quantity + excluded.quantity`;

const SEEN_USER = 'INSERT OR IGNORE INTO usage_chat_users (app_id, month, user_id) VALUES (?, ?, ?)';

/** 'YYYY-MM' of `t`, UTC: the period of monthly active users. */
export const monthOf = (t: number) => new Date(t).toISOString().slice(0, 7);

export class UsageRecorder {
  private pending = new Map<string, number>();
  /** Chat users seen since the last flush (app, month, user), written as INSERT OR IGNORE. */
  private users = new Set<string>();
  /** When the pending totals are due to be written (epoch ms); null while nothing is pending. */
  private flushAt: number | null = null;

  constructor(private readonly delayMs = FLUSH_DELAY_MS) {}

  record(env: Env, waitUntil: WaitUntil, p: UsagePoint): void {
    if (!(p.quantity > 0) || !Number.isFinite(p.quantity)) return;
    const key = [bucketOf(p.at ?? Date.now(), 'minute'), p.appId, p.streamId ?? '', p.meter, p.dimension ?? ''].join(
      '\u0000',
    );
    this.pending.set(key, (this.pending.get(key) ?? 0) + p.quantity);
    // Every request that added keeps the flush alive, so it survives the request that scheduled it.
    this.schedule(env, waitUntil);
  }

  /** A chat user active now, for monthly active users (one row per app, month and user). */
  seeChatUser(env: Env, waitUntil: WaitUntil, appId: string, userId: string, at = Date.now()): void {
    this.users.add([appId, monthOf(at), userId].join('\u0000'));
    this.schedule(env, waitUntil);
  }

  /**
   * Every request that added waits on a timer of its own until the flush is due, and the first
   * timer to fire writes. One shared promise would be simpler, but a promise made in one request's
   * context cannot be awaited (or handed to waitUntil) by another request: workerd refuses the I/O,
   * and when the first request's context ends, the others hang until they are cancelled.
   */
  private schedule(env: Env, waitUntil: WaitUntil) {
    this.flushAt ??= Date.now() + this.delayMs;
    const due = this.flushAt;
    const timer = new Promise<void>((r) => setTimeout(r, Math.max(0, due - Date.now())));
    waitUntil(timer.then(() => (this.flushAt === due ? this.flush(env) : undefined)));
  }

  /** Writes what is pending now. Totals that fail to write go back, to be retried by the next flush. */
  async flush(env: Env): Promise<void> {
    const taken = this.pending;
    const users = this.users;
    this.pending = new Map();
    this.users = new Set();
    this.flushAt = null;
    if (!taken.size && !users.size) return;
    const statements: D1PreparedStatement[] = [];
    for (const u of users) statements.push(env.DB.prepare(SEEN_USER).bind(...u.split('\u0000')));
    const points = (env as { USAGE_DATASET?: DataPoints }).USAGE_DATASET;
    for (const [key, quantity] of taken) {
      const [minute, appId, streamId, meter, dimension] = key.split('\u0000') as Key;
      for (const g of GRANULARITIES) {
        const bucket = bucketOf(Number(minute), g);
        statements.push(env.DB.prepare(UPSERT).bind(g, bucket, appId, streamId, meter, dimension, quantity));
      }
    }
    try {
      await env.DB.batch(statements);
      for (const [key, quantity] of taken) {
        const [minute, appId, streamId, meter, dimension] = key.split('\u0000') as Key;
        points?.writeDataPoint({
          indexes: [appId],
          blobs: [meter, streamId, dimension],
          doubles: [quantity, Number(minute)],
        });
      }
    } catch (err) {
      for (const [key, q] of taken) this.pending.set(key, (this.pending.get(key) ?? 0) + q);
      for (const u of users) this.users.add(u);
      console.error(JSON.stringify({ msg: 'usage flush failed', error: String(err) }));
    }
  }
}

/** One recorder per isolate: every request of the isolate adds to the same totals. */
export const usageRecorder = new UsageRecorder();
