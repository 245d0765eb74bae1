import type { Beacon } from '@edgelive/shared/beacons';

/**
 * The bookkeeping of one view, apart from any player or page so it is unit-tested with a fake
 * clock: it is told what the player does (loading, first frame, playing, stalled, paused, errors,
 * renditions) and makes the cumulative beacons of packages/shared/src/beacons.ts.
 */
export type Clock = () => number;

const randomId = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('');
};

export class ViewTracker {
  readonly viewId = randomId();
  private seq = 0;
  private readonly loadStartedAt: number;
  private startupMs: number | null = null;
  private playingMs = 0;
  private playingSince: number | null = null;
  private rebufferCount = 0;
  private rebufferMs = 0;
  private stalledSince: number | null = null;
  private errors = 0;
  private lastError: string | undefined;
  private rendition: number | null = null;
  private latencyMs: number | null = null;
  private frames: { dropped: number; total: number } | null = null;
  private frameReading: { dropped: number; total: number } | null = null;
  private frameBase = { dropped: 0, total: 0 };

  constructor(
    private readonly playbackId: string,
    private readonly viewerId: string,
    private readonly player: string,
    private readonly now: Clock = Date.now,
  ) {
    this.loadStartedAt = now();
  }

  /** A frame is on screen and time advances. */
  playing() {
    const t = this.now();
    if (this.startupMs === null) this.startupMs = t - this.loadStartedAt;
    if (this.stalledSince !== null) {
      this.rebufferMs += t - this.stalledSince;
      this.stalledSince = null;
    }
    this.playingSince ??= t;
  }

  /** Playback stopped for want of data; before the first frame that is startup, not a rebuffer. */
  stalled() {
    const t = this.now();
    this.stopClock(t);
    if (this.startupMs !== null && this.stalledSince === null) {
      this.rebufferCount++;
      this.stalledSince = t;
    }
  }

  /** Paused, ended or hidden: neither playing nor rebuffering. */
  paused() {
    const t = this.now();
    this.stopClock(t);
    if (this.stalledSince !== null) {
      this.rebufferMs += t - this.stalledSince;
      this.stalledSince = null;
    }
  }

  error(code: string) {
    this.errors++;
    this.lastError = code.slice(0, 64);
  }

  setRendition(height: number) {
    this.rendition = height;
  }

  setLatency(ms: number | null) {
    this.latencyMs = ms === null ? null : Math.max(0, Math.round(ms));
  }

  /**
   * The video element's frame counts (getVideoPlaybackQuality()), cumulative for the element. When
   * they go down (the element was given a new source and counts from 0 again) the counts so far are
   * kept as a base, so the view's beacons stay cumulative.
   */
  setFrames(dropped: number, total: number) {
    const d = Math.max(0, Math.round(dropped));
    const t = Math.max(0, Math.round(total));
    const last = this.frameReading;
    if (last && t < last.total) this.frameBase = { dropped: this.frames!.dropped, total: this.frames!.total };
    this.frameReading = { dropped: d, total: t };
    this.frames = { dropped: this.frameBase.dropped + d, total: this.frameBase.total + t };
  }

  private stopClock(t: number) {
    if (this.playingSince !== null) {
      this.playingMs += t - this.playingSince;
      this.playingSince = null;
    }
  }

  get currentRendition(): number | null {
    return this.rendition;
  }

  /** The next beacon: the view so far, numbered; clocks still running are read, not stopped. */
  beacon(event: Beacon['event']): Beacon {
    const b = this.peek(event);
    this.seq++;
    return b;
  }

  /** What the next beacon would say, without using up its number. */
  peek(event: Beacon['event']): Beacon {
    const t = this.now();
    const running = (since: number | null) => (since === null ? 0 : t - since);
    return {
      playback_id: this.playbackId,
      view_id: this.viewId,
      viewer_id: this.viewerId,
      event,
      seq: this.seq,
      startup_ms: this.startupMs,
      playing_ms: Math.round(this.playingMs + running(this.playingSince)),
      rebuffer_count: this.rebufferCount,
      rebuffer_ms: Math.round(this.rebufferMs + running(this.stalledSince)),
      error_count: this.errors,
      ...(this.frames ? { dropped_frames: this.frames.dropped, total_frames: this.frames.total } : {}),
      ...(event === 'error' && this.lastError ? { error_code: this.lastError } : {}),
      rendition: this.rendition,
      live_latency_ms: this.latencyMs,
      player: this.player,
    };
  }
}

/** The viewer id kept in the browser's storage, so a returning viewer counts once. */
export function viewerId(storage: Pick<Storage, 'getItem' | 'setItem'> | null): string {
  const KEY = 'edgelive:viewer-id';
  try {
    const known = storage?.getItem(KEY);
    if (known && /^[A-Za-z0-9_-]{8,64}$/.test(known)) return known;
    const id = randomId();
    storage?.setItem(KEY, id);
    return id;
  } catch {
    // Storage refused (private mode, sandboxed iframe): a viewer per view.
    return randomId();
  }
}
