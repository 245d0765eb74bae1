import Hls from 'hls.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type HlsConstructor, type PlayerState, startPlayback } from './player-controller';

const LABEL: Record<PlayerState, string> = {
  loading: 'Loading the stream…',
  waiting: 'Waiting for the stream to go live…',
  playing: 'Playing',
  error: 'Playback failed',
};

/** A muted, autoplaying HLS preview with its state said out loud (and as data-state for tests). */
export function HlsPlayer({
  src,
  title,
  poster,
  HlsImpl = Hls as unknown as HlsConstructor,
  onVideo,
}: {
  src: string;
  title: string;
  /** Shown until the first frame plays. */
  poster?: string | undefined;
  HlsImpl?: HlsConstructor | null;
  /** Hands the <video> to a neighbour that follows or seeks it (the asset page's chat replay). */
  onVideo?: (video: HTMLVideoElement | null) => void;
}) {
  const video = useRef<HTMLVideoElement | null>(null);
  const setVideo = useCallback(
    (el: HTMLVideoElement | null) => {
      video.current = el;
      onVideo?.(el);
    },
    [onVideo],
  );
  const [state, setState] = useState<{ s: PlayerState; detail?: string | undefined }>({ s: 'loading' });
  useEffect(() => {
    if (!video.current) return;
    return startPlayback({ video: video.current, src, Hls: HlsImpl, onState: (s, detail) => setState({ s, detail }) });
  }, [src, HlsImpl]);
  return (
    <figure style={{ margin: 0 }} data-testid="player" data-state={state.s}>
      <video ref={setVideo} className="video" controls playsInline muted title={title} poster={poster} />
      <figcaption className="small muted" role="status" aria-live="polite">
        {LABEL[state.s]}
        {state.detail ? ` (${state.detail})` : ''}
      </figcaption>
    </figure>
  );
}
