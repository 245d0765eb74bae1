/// <reference lib="dom" />
import { followPlayhead, loadChatReplay, type ReplayMessage } from './chat-replay';
import { createPlayer, type Player, type PlayerState } from './core';
import { EMBED_CONFIG_ID, type EmbedConfig } from './embed-config';
import { type Tracker, trackPlayer } from './track-player';

/**
 * The script of the embed page (/embed/{playback_id}), bundled with hls.js by
 * scripts/build-player.mjs and served by us. It wires the page's markup to a player and tells the
 * embedding page what happens (`postMessage` of `{type: 'edgelive:state', state}`).
 */
declare global {
  interface Window {
    /** For the embedding page's devtools and for our browser tests. */
    edgelive?: { player: Player; video: HTMLVideoElement; tracker: Tracker; chat: ReplayMessage[] | null };
  }
}

/** Further behind the live edge than this (seconds, a few segments) counts as watching the DVR window. */
const BEHIND_S = 8;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function main() {
  const config = JSON.parse($(EMBED_CONFIG_ID).textContent ?? '{}') as EmbedConfig;
  const video = $<HTMLVideoElement>('video');
  const quality = $<HTMLSelectElement>('quality');
  const badge = $('live');
  const error = $('error');
  if (config.poster) video.poster = config.poster;
  video.muted = config.muted;
  video.autoplay = config.autoplay;

  const render = (s: PlayerState) => {
    badge.hidden = !s.live;
    error.hidden = !s.error;
    error.textContent = s.error ?? '';
    const options = [{ index: -1, label: 'Auto' }, ...s.qualities];
    if (quality.options.length !== options.length) {
      quality.replaceChildren(...options.map((q) => new Option(q.label, String(q.index))));
    }
    quality.value = String(s.selected);
    quality.hidden = s.qualities.length < 2;
    window.parent.postMessage({ type: 'edgelive:state', playbackId: config.playbackId, state: s }, '*');
  };

  const player = createPlayer(video, {
    src: config.src,
    latencyMode: config.latencyMode,
    dvr: config.dvr === true,
    onState: render,
  });
  quality.addEventListener('change', () => player.setQuality(Number(quality.value)));
  // A stream with a DVR window (dvr_window_seconds) can be seeked back on the video's own seek
  // bar; the badge then says how to get back, and a click jumps to the live edge.
  const behind = () => {
    const edge = player.hls?.liveSyncPosition;
    return player.state().live && edge != null && edge - video.currentTime > BEHIND_S;
  };
  video.addEventListener('timeupdate', () => {
    const b = behind();
    badge.classList.toggle('behind', b);
    badge.textContent = b ? 'GO LIVE' : 'LIVE';
  });
  badge.addEventListener('click', () => {
    const edge = player.hls?.liveSyncPosition;
    if (edge != null) video.currentTime = edge;
  });
  // Viewer analytics: the Worker serving this page takes the beacons (same origin, no CORS).
  const tracker = trackPlayer(player.hls, {
    video,
    playbackId: config.playbackId,
    beaconUrl: '/v1/beacons',
    player: 'edgelive-embed/1',
  });
  window.edgelive = { player, video, tracker, chat: null };
  if (config.chatReplay) showChatReplay(config.chatReplay, video);
  if (config.autoplay) {
    // Browsers refuse unmuted autoplay without a gesture: fall back to muted rather than nothing.
    video.play().catch(() => {
      video.muted = true;
      return video.play().catch(() => undefined);
    });
  }
}

/** A recording's chat beside its video: what was said up to the playhead, seeks included. */
function showChatReplay(url: string, video: HTMLVideoElement) {
  const list = $<HTMLOListElement>('chat');
  loadChatReplay(url)
    .then((messages) => {
      if (window.edgelive) window.edgelive.chat = messages;
      if (!messages.length) return;
      list.hidden = false;
      followPlayhead(video, messages, (shown) => {
        list.replaceChildren(
          ...shown.map((m) => {
            const li = document.createElement('li');
            li.dataset.id = m.id;
            li.dataset.t = String(m.media_time_s);
            const who = document.createElement('b');
            who.textContent = m.name ?? 'viewer';
            li.append(who, ` ${m.text}`);
            return li;
          }),
        );
      });
    })
    // No replay is no reason to stop the video: the panel just stays hidden.
    .catch(() => undefined);
}

main();
