/**
 * The logic of the preview player, apart from React so it can be tested with a fake hls.js.
 * A stream that is not live yet answers 404 for its playlist: that is "waiting", and the
 * controller tries again until it plays, rather than showing an error.
 */
export type PlayerState = 'loading' | 'waiting' | 'playing' | 'error';

/** The part of hls.js we use (its constructor and instance), so tests can pass a fake. */
export interface HlsInstance {
  loadSource(src: string): void;
  attachMedia(media: HTMLMediaElement): void;
  on(event: string, handler: (event: string, data: HlsErrorData) => void): void;
  destroy(): void;
}
export interface HlsErrorData {
  fatal?: boolean;
  type?: string;
  details?: string;
  response?: { code?: number };
}
export interface HlsConstructor {
  new (config?: Record<string, unknown>): HlsInstance;
  isSupported(): boolean;
  Events: { MANIFEST_PARSED: string; ERROR: string };
}

export interface PlayerOptions {
  video: HTMLVideoElement;
  src: string;
  Hls: HlsConstructor | null;
  onState: (s: PlayerState, detail?: string) => void;
  retryMs?: number;
}

// The Worker answers 412 (not live) or 404 before the first segments; both mean "not yet".
const isNotLive = (d: HlsErrorData) => [404, 409, 412].includes(d.response?.code ?? 0);

export function startPlayback({ video, src, Hls, onState, retryMs = 2000 }: PlayerOptions): () => void {
  let stopped = false;
  let hls: HlsInstance | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onPlaying = () => !stopped && onState('playing');
  video.addEventListener('playing', onPlaying);

  const retry = (state: PlayerState, detail?: string) => {
    onState(state, detail);
    hls?.destroy();
    hls = null;
    timer = setTimeout(attach, retryMs);
  };

  function attach() {
    if (stopped) return;
    onState('loading');
    if (Hls?.isSupported()) {
      const h = new Hls({ lowLatencyMode: true, manifestLoadingMaxRetry: 0, liveSyncDurationCount: 2 });
      hls = h;
      h.on(Hls.Events.MANIFEST_PARSED, () => {
        video.muted = true; // autoplay is allowed only muted; the viewer can unmute.
        void video.play().catch(() => undefined);
      });
      h.on(Hls.Events.ERROR, (_e, data) => {
        if (stopped || !data.fatal) return;
        if (isNotLive(data)) retry('waiting');
        else retry('error', data.details);
      });
      h.loadSource(src);
      h.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      // Safari plays HLS natively.
      video.src = src;
      video.muted = true;
      void video.play().catch(() => undefined);
      video.onerror = () => !stopped && retry('waiting');
    } else {
      onState('error', 'This browser cannot play HLS.');
    }
  }

  attach();
  return () => {
    stopped = true;
    clearTimeout(timer);
    video.removeEventListener('playing', onPlaying);
    hls?.destroy();
  };
}
