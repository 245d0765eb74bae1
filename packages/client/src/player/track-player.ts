/// <reference lib="dom" />
import { BEACON_LIMITS, type Beacon } from '@edgelive/shared/beacons';
import type { Events, default as Hls } from 'hls.js';
import { ViewTracker, viewerId } from './view-tracker';

/**
 * `trackPlayer(hls, { playbackId, beaconUrl })`: Edgelive viewer analytics for any hls.js player
 * (the embed page and the React player use it too). It listens to the <video> element and hls.js,
 * sends a beacon when the view starts, every 10 s, on rendition changes and errors, and with
 * `navigator.sendBeacon` when the page is hidden or closed, so the last seconds are not lost.
 */
export interface TrackOptions {
  playbackId: string;
  /** `https://<your worker>/v1/beacons`. */
  beaconUrl: string;
  /** The <video>; defaults to the one hls.js is attached to. */
  video?: HTMLVideoElement;
  /** Names the player in the beacons, e.g. `my-player/2`. */
  player?: string;
}

export interface Tracker {
  /** Sends the final beacon and stops listening. */
  stop(): void;
  /** The beacon that would be sent now (for tests and debugging). */
  peek(): Beacon;
}

// hls.js's event names as strings, so the tracker needs no runtime import of hls.js (the player
// that calls it brings its own build: full or light).
const LEVEL_SWITCHED = 'hlsLevelSwitched';
const ERROR = 'hlsError';

function send(url: string, b: Beacon) {
  const body = JSON.stringify(b);
  // sendBeacon survives the page going away and queues text/plain with no preflight.
  if (typeof navigator !== 'undefined' && navigator.sendBeacon?.(url, body)) return;
  void fetch(url, { method: 'POST', body, keepalive: true, headers: { 'content-type': 'text/plain' } }).catch(
    () => undefined,
  );
}

export function trackPlayer(hls: Hls | null, opts: TrackOptions): Tracker {
  const video = opts.video ?? (hls?.media as HTMLVideoElement | null);
  if (!video) throw new Error('trackPlayer needs the <video>: attach hls.js first or pass `video`.');
  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  })();
  const view = new ViewTracker(opts.playbackId, viewerId(storage), opts.player ?? 'custom');
  let ended = false;
  const beacon = (event: Beacon['event']) => {
    if (ended) return;
    if (hls?.playingDate) view.setLatency(Date.now() - hls.playingDate.getTime());
    // Not every browser has it (older Safari, some embedded views): then no frame counts are sent.
    const q = video.getVideoPlaybackQuality?.();
    if (q) view.setFrames(q.droppedVideoFrames, q.totalVideoFrames);
    send(opts.beaconUrl, view.beacon(event));
  };

  const onPlaying = () => view.playing();
  const onStalled = () => view.stalled();
  const onPaused = () => view.paused();
  const onHidden = () => {
    if (document.visibilityState === 'hidden') beacon('heartbeat');
  };
  const onPageHide = () => {
    view.paused();
    beacon('view_end');
    ended = true;
  };
  const listeners: [EventTarget, string, () => void][] = [
    [video, 'playing', onPlaying],
    [video, 'waiting', onStalled],
    [video, 'pause', onPaused],
    [video, 'ended', onPaused],
    [document, 'visibilitychange', onHidden],
    [window, 'pagehide', onPageHide],
  ];
  for (const [t, name, fn] of listeners) t.addEventListener(name, fn);
  const onLevel = (_e: string, data: { level: number }) => {
    const height = hls?.levels[data.level]?.height;
    if (height === undefined) return;
    const changed = view.currentRendition !== null && view.currentRendition !== height;
    view.setRendition(height);
    if (changed) beacon('rendition_change');
  };
  const onError = (_e: string, data: { fatal: boolean; details: string }) => {
    if (!data.fatal) return;
    view.error(data.details);
    beacon('error');
  };
  hls?.on(LEVEL_SWITCHED as Events.LEVEL_SWITCHED, onLevel);
  hls?.on(ERROR as Events.ERROR, onError);
  beacon('view_start');
  const timer = setInterval(() => beacon('heartbeat'), BEACON_LIMITS.heartbeatMs);

  return {
    stop() {
      clearInterval(timer);
      for (const [t, name, fn] of listeners) t.removeEventListener(name, fn);
      hls?.off(LEVEL_SWITCHED as Events.LEVEL_SWITCHED, onLevel);
      hls?.off(ERROR as Events.ERROR, onError);
      if (!ended) onPageHide();
    },
    peek: () => view.peek('heartbeat'),
  };
}
