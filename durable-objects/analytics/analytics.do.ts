import { DurableObject } from 'cloudflare:workers';
import { BEACON_LIMITS } from '@edgelive/shared/beacons';
import { wipeObject } from '../../core/do/wipe';
import type { Env } from '../../core/env';
import { refuse } from '../../core/rpc';
import { roomStub } from '../../core/stubs';
import { CONCURRENT_WINDOW_MS, FLUSH_DELAY_MS, type IngestInput, type IngestResult } from './contract';
import { dataPoint } from './data-points';
import { flushStatements } from './flush';
import { foldBeacon } from './fold';
import { AnalyticsStore } from './store';

/** What the object keeps after D1 has it: long enough for late beacons of a long view. */
const KEEP_MS = 2 * 3_600_000;

/**
 * One stream's (or one asset's) viewer analytics as beacons arrive: each beacon is folded into its view and the
 * open minute (fold.ts), and a few seconds later the dirty rows are flushed to D1 with their hour
 * and day roll-ups (flush.ts). One object per stream keeps a popular stream's beacons off D1's
 * write path: D1 sees one batch per flush, not one write per beacon.
 */
export class AnalyticsObject extends DurableObject<Env> {
  private readonly store: AnalyticsStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new AnalyticsStore(ctx.storage.sql);
    void ctx.blockConcurrencyWhile(async () => this.store.migrate());
  }

  /** Its app was deleted: nothing of it stays here (core/do/wipe.ts). */
  async wipe(): Promise<void> {
    await wipeObject(this.ctx);
  }

  async ingest(input: IngestInput, now = Date.now()): Promise<IngestResult> {
    const { beacon } = input;
    // Both limits count refused beacons too, so a flood stays refused until it slows down.
    const perView = this.store.hit(`v:${beacon.view_id}`, now);
    const perAddress = this.store.hit(`a:${input.address}`, now);
    if (perView > BEACON_LIMITS.perViewPerMinute || perAddress > BEACON_LIMITS.perAddressPerMinute) {
      return refuse('beacon_rate_limited');
    }
    this.store.setMeta('app_id', input.appId);
    this.store.setMeta('stream_id', input.streamId);
    if (input.roomId) this.store.setMeta('room_id', input.roomId);
    const prev = this.store.view(beacon.view_id);
    // A view id belongs to its first viewer: another viewer's beacons cannot rewrite it.
    if (prev && prev.viewer_id !== beacon.viewer_id) return { ok: true, accepted: false };
    const folded = foldBeacon(prev, beacon, now, { country: input.country, browser: input.browser, os: input.os });
    if (!folded) return { ok: true, accepted: false };
    this.store.saveView(folded.view);
    this.store.addToMinute(now, folded.view, beacon, folded.delta);
    // Beside the D1 roll-up (flushed below), where the deployment has Analytics Engine bound.
    this.env.VIEWER_EVENTS?.writeDataPoint(dataPoint(input.appId, input.streamId, folded.view, beacon, folded.delta));
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(now + FLUSH_DELAY_MS);
    return { ok: true, accepted: true };
  }

  /** Views watching now (a beacon within the window): the live count pushed on the room socket. */
  concurrent(now = Date.now()): { viewers: number } {
    return { viewers: this.store.activeViews(now - CONCURRENT_WINDOW_MS) };
  }

  /** Writes what D1 does not have yet; the alarm calls it, tests may call it to skip the wait. */
  async flush(): Promise<{ minutes: number; views: number }> {
    const appId = this.store.getMeta('app_id');
    const streamId = this.store.getMeta('stream_id');
    if (!appId || !streamId) return { minutes: 0, views: 0 };
    const minutes = this.store.dirtyMinutes();
    const views = this.store.dirtyViews();
    if (minutes.length || views.length) {
      await this.env.DB.batch(flushStatements(this.env.DB, appId, streamId, minutes, views));
      this.store.markClean(minutes, views);
    }
    this.store.prune(Date.now() - KEEP_MS);
    return { minutes: minutes.length, views: views.length };
  }

  /**
   * Tells the stream's room how many watch the video now, when that changed. Best effort: the
   * next round repeats it, and the room forgets a count it has not heard again for a while.
   */
  private async pushViewers() {
    const roomId = this.store.getMeta('room_id');
    if (!roomId) return 0;
    const { viewers } = this.concurrent();
    if (String(viewers) !== this.store.getMeta('pushed_viewers')) {
      await roomStub(this.env, roomId).setVideoViewers(viewers);
      this.store.setMeta('pushed_viewers', String(viewers));
    }
    return viewers;
  }

  override async alarm() {
    await this.flush();
    const watching = await this.pushViewers().catch(() => 1);
    // Beacons that arrived while D1 was being written are flushed by the next round; while anyone
    // watches, rounds go on so the room hears when they leave.
    if (this.store.hasDirty() || watching > 0) await this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS);
  }
}
