/// <reference lib="dom" />
import { type CSSProperties, createElement, type ReactElement, useEffect, useRef, useState } from 'react';
import { tokenOpens } from '../token-audience';
import { chatReplayUrl, followPlayhead, loadChatReplay, type ReplayMessage } from './chat-replay';
import { createPlayer, type Player, type PlayerState } from './core';
import type { LatencyMode } from './hls-config';
import { trackPlayer } from './track-player';

/**
 * `<EdgelivePlayer playbackId token />`: the embed page's player as a React component, for the
 * console and for customers who would rather not iframe. Written with createElement so the package
 * needs no JSX setup of its own.
 */
export interface EdgelivePlayerProps {
  playbackId: string;
  /** Where the Edgelive Worker runs, e.g. https://live.example.com (no trailing slash). */
  baseUrl: string;
  /** Playback token (aud `v`, or a combined `["v","t","chat"]` one) for signed playback ids. */
  token?: string;
  /** Thumbnail token (aud `t`) for the poster of a signed playback id; not needed with a combined token. */
  thumbnailToken?: string;
  latencyMode?: LatencyMode;
  autoPlay?: boolean;
  muted?: boolean;
  className?: string;
  style?: CSSProperties;
  onState?: (s: PlayerState) => void;
  /** Send viewer-analytics beacons to `${baseUrl}/v1/beacons` (default true). */
  analytics?: boolean;
  /**
   * An asset's playback id (a recording or a clip of one): show its chat replay over the video,
   * the messages sent up to the playhead, following seeks (default false).
   */
  chatReplay?: boolean;
}

const q = (token?: string) => (token ? `?token=${encodeURIComponent(token)}` : '');

export function playbackUrls(p: Pick<EdgelivePlayerProps, 'baseUrl' | 'playbackId' | 'token' | 'thumbnailToken'>) {
  // A combined token opens the thumbnails too.
  const thumb = p.thumbnailToken ?? (tokenOpens(p.token, 't') ? p.token : undefined);
  return {
    src: `${p.baseUrl}/hls/${p.playbackId}.m3u8${q(p.token)}`,
    // Without a thumbnail token a signed id has no poster; a public one needs none.
    poster: p.token && !thumb ? undefined : `${p.baseUrl}/thumbnails/${p.playbackId}.jpg${q(thumb)}`,
  };
}

const badge: CSSProperties = {
  position: 'absolute',
  top: 8,
  left: 8,
  background: '#e11d48',
  color: '#fff',
  font: '600 12px system-ui, sans-serif',
  padding: '2px 8px',
  borderRadius: 4,
};
const picker: CSSProperties = { position: 'absolute', top: 8, right: 8 };
const chatList: CSSProperties = {
  position: 'absolute',
  right: 8,
  bottom: 56,
  width: 'min(40%, 320px)',
  maxHeight: '55%',
  margin: 0,
  padding: 0,
  listStyle: 'none',
  display: 'flex',
  flexDirection: 'column',
  justifyContent: 'flex-end',
  overflow: 'hidden',
  pointerEvents: 'none',
};
const chatItem: CSSProperties = {
  marginTop: 4,
  padding: '4px 8px',
  borderRadius: 4,
  background: 'rgba(0,0,0,.65)',
  color: '#fff',
  font: '13px system-ui, sans-serif',
};

/** The messages of an asset's chat sent up to `video`'s playhead (empty until loaded, or when off). */
function useChatReplay(video: { current: HTMLVideoElement | null }, url: string | null): ReplayMessage[] {
  const [shown, setShown] = useState<ReplayMessage[]>([]);
  useEffect(() => {
    const el = video.current;
    setShown([]);
    if (!el || !url) return;
    let stop: (() => void) | null = null;
    let gone = false;
    loadChatReplay(url)
      .then((messages) => {
        if (!gone) stop = followPlayhead(el, messages, setShown);
      })
      // No replay (a live id, a refused token) leaves the video as it is.
      .catch(() => undefined);
    return () => {
      gone = true;
      stop?.();
    };
  }, [video, url]);
  return shown;
}

export function EdgelivePlayer(props: EdgelivePlayerProps): ReactElement {
  const video = useRef<HTMLVideoElement>(null);
  const player = useRef<Player | null>(null);
  const [state, setState] = useState<PlayerState | null>(null);
  const { src, poster } = playbackUrls(props);
  const onState = useRef(props.onState);
  onState.current = props.onState;
  const chat = useChatReplay(
    video,
    props.chatReplay ? chatReplayUrl(props.baseUrl, props.playbackId, props.token) : null,
  );

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    const p = createPlayer(el, {
      src,
      latencyMode: props.latencyMode ?? 'standard',
      onState: (s) => {
        setState(s);
        onState.current?.(s);
      },
    });
    player.current = p;
    const tracker =
      props.analytics === false
        ? null
        : trackPlayer(p.hls, {
            video: el,
            playbackId: props.playbackId,
            beaconUrl: `${props.baseUrl}/v1/beacons`,
            player: 'edgelive-react/1',
          });
    return () => {
      tracker?.stop();
      p.destroy();
      player.current = null;
    };
  }, [src, props.latencyMode, props.playbackId, props.baseUrl, props.analytics]);

  const qualities = state?.qualities ?? [];
  return createElement(
    'div',
    { className: props.className, style: { position: 'relative', background: '#000', ...props.style } },
    createElement('video', {
      ref: video,
      poster,
      controls: true,
      playsInline: true,
      autoPlay: props.autoPlay ?? true,
      muted: props.muted ?? props.autoPlay ?? true,
      style: { width: '100%', height: '100%', display: 'block' },
    }),
    state?.live ? createElement('span', { style: badge }, 'LIVE') : null,
    qualities.length > 1
      ? createElement(
          'select',
          {
            'aria-label': 'Quality',
            style: picker,
            value: String(state?.selected ?? -1),
            onChange: (e: { target: { value: string } }) => player.current?.setQuality(Number(e.target.value)),
          },
          createElement('option', { value: '-1' }, 'Auto'),
          ...qualities.map((ql) => createElement('option', { key: ql.index, value: String(ql.index) }, ql.label)),
        )
      : null,
    state?.error ? createElement('div', { role: 'status', style: { color: '#fff', padding: 8 } }, state.error) : null,
    chat.length
      ? createElement(
          'ol',
          { 'aria-label': 'Chat replay', 'data-edgelive': 'chat-replay', style: chatList },
          ...chat.map((m) =>
            createElement(
              'li',
              { key: m.id, 'data-id': m.id, 'data-t': String(m.media_time_s), style: chatItem },
              createElement('b', { style: { color: '#fbbf24' } }, m.name ?? 'viewer'),
              ` ${m.text}`,
            ),
          ),
        )
      : null,
  );
}
