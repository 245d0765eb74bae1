/// <reference lib="dom" />
import Hls, { type ErrorData, type Level } from 'hls.js';
import { hlsConfigFor, type LatencyMode } from './hls-config';

/**
 * One player on one <video>: hls.js (or native HLS on Safari), rendition switching, a live flag,
 * and error recovery. Used by the embed page (/embed/{playback_id}) and by the React component,
 * so both behave the same.
 */
export interface PlayerOptions {
  /** The master playlist URL, token included for signed playback ids. */
  src: string;
  latencyMode?: LatencyMode;
  /** The stream keeps a DVR window: seeking back is not undone by live-edge catch-up. */
  dvr?: boolean;
  onState?: (s: PlayerState) => void;
}

export interface Quality {
  index: number;
  height: number;
  bitrate: number;
  label: string;
}

export interface PlayerState {
  live: boolean;
  qualities: Quality[];
  /** -1: automatic. */
  selected: number;
  /** The rendition playing now. */
  current: number;
  /** A fatal error we could not recover from; the player retries on its own meanwhile. */
  error: string | null;
  /** Fatal errors seen so far (recovered or not); tests read it. */
  fatalErrors: number;
}

export interface Player {
  /** -1 for automatic. */
  setQuality(index: number): void;
  state(): PlayerState;
  /** The wall-clock time of the frame on screen (EXT-X-PROGRAM-DATE-TIME), when known. */
  playingDate(): Date | null;
  readonly hls: Hls | null;
  destroy(): void;
}

const label = (l: Level) => (l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kb/s`);

/** How long to wait before reloading from scratch after an unrecoverable error (grows, capped). */
const retryDelayMs = (attempt: number) => Math.min(10_000, 1000 * 2 ** attempt);

export function createPlayer(video: HTMLVideoElement, opts: PlayerOptions): Player {
  const state: PlayerState = { live: false, qualities: [], selected: -1, current: -1, error: null, fatalErrors: 0 };
  const emit = () => opts.onState?.({ ...state, qualities: [...state.qualities] });

  if (!Hls.isSupported()) {
    // Safari plays HLS itself; it has no rendition choice to offer.
    video.src = opts.src;
    return {
      setQuality: () => undefined,
      state: () => state,
      playingDate: () => null,
      hls: null,
      destroy: () => video.removeAttribute('src'),
    };
  }

  const hls = new Hls(hlsConfigFor(opts.latencyMode ?? 'standard', { dvr: opts.dvr }));
  let attempts = 0;
  let mediaRecoveries = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const start = () => {
    hls.loadSource(opts.src);
    hls.attachMedia(video);
  };

  hls.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
    state.qualities = data.levels.map((l, index) => ({ index, height: l.height, bitrate: l.bitrate, label: label(l) }));
    state.error = null;
    emit();
  });
  hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => {
    attempts = 0;
    if (state.live !== data.details.live) {
      state.live = data.details.live;
      emit();
    }
  });
  hls.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
    state.current = data.level;
    emit();
  });
  hls.on(Hls.Events.FRAG_BUFFERED, () => {
    mediaRecoveries = 0;
  });
  hls.on(Hls.Events.ERROR, (_e, data: ErrorData) => {
    if (!data.fatal) return;
    state.fatalErrors++;
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < 2) {
      // A decode hiccup: hls.js can rebuild the media pipeline without reloading anything.
      mediaRecoveries++;
      hls.recoverMediaError();
      return;
    }
    // Network errors (stream not live yet: 412; an expired grant: 401) and anything else: start over
    // from the master playlist, which issues fresh grants, after a growing pause.
    const status = data.response?.code;
    state.error = status === 412 ? 'The stream is not live yet.' : `Playback failed (${data.details}); retrying.`;
    emit();
    hls.stopLoad();
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      attempts++;
      hls.loadSource(opts.src);
      hls.startLoad(-1);
    }, retryDelayMs(attempts));
  });
  start();

  return {
    setQuality(index) {
      state.selected = index;
      // currentLevel switches now (flushing the buffer); -1 hands control back to the ABR logic.
      hls.currentLevel = index;
      emit();
    },
    state: () => state,
    playingDate: () => hls.playingDate,
    hls,
    destroy() {
      clearTimeout(retryTimer);
      hls.destroy();
    },
  };
}
