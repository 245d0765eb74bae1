import type { Scheduler } from '../../core/do/scheduler';
import type { FanOut } from './fanout';
import type { Presence } from './room-presence';
import type { RoomStore } from './room-store';

/** Counts are pushed at most once a second, however fast people come and go. */
const PUSH_INTERVAL_MS = 1000;

/**
 * The room's viewer counts: the peak of the current stream session (kept in the room's storage,
 * so it survives eviction) and the coalesced `counts` push, one per interval at most, driven by
 * the room's `counts` timer.
 */
export class ViewerCounts {
  private peak: number;
  private lastPushAt = 0;
  private pending = false;

  constructor(
    private readonly presence: Presence,
    private readonly store: RoomStore,
    private readonly out: FanOut,
    private readonly timers: Scheduler,
  ) {
    this.peak = Number(store.getMeta('peak') ?? 0);
  }

  /** Someone came or went (or video viewers were reported): raise the peak, push soon. */
  changed() {
    const viewers = this.presence.counts().viewers;
    if (viewers > this.peak) {
      this.peak = viewers;
      this.store.setMeta('peak', String(viewers));
    }
    if (this.pending) return;
    this.pending = true;
    this.timers.schedule('counts', Math.max(Date.now(), this.lastPushAt + PUSH_INTERVAL_MS));
  }

  /** The `counts` timer fired. */
  push(now: number) {
    this.pending = false;
    this.lastPushAt = now;
    this.out.broadcast({ type: 'counts', counts: this.presence.counts() });
  }

  /** A stream session ended: hand back its peak and start a new count. */
  endSession(): { peak: number; startedAt: number | null } {
    const out = { peak: this.peak, startedAt: Number(this.store.getMeta('session_started_at')) || null };
    this.peak = this.presence.counts().viewers;
    this.store.setMeta('peak', String(this.peak));
    this.store.setMeta('session_started_at', String(Date.now()));
    return out;
  }

  stats() {
    return { ...this.presence.counts(), peak: this.peak };
  }
}
