/// <reference lib="dom" />
import type { Message, StreamStatus } from '@edgelive/shared';
import { createPlayer, type Player } from '../player/core';
import { tokenOpens } from '../token-audience';
import { RoomFeed } from './room-feed';
import { WATCH_CONFIG_ID, type WatchConfig } from './watch-config';

/**
 * The script of the watch, recording, embed and chat pages (bundled by scripts/build-player.mjs
 * into public/player/watch.js). The server rendered everything already; this hydrates: the player
 * when there is something to play, the chat and viewer count over the stream's room, and the
 * switch between offline and live when the room says the stream changed (no polling).
 * A token arrives with the page (`?token=`) or later by `postMessage({type: 'edgelive:token', token})`.
 */
/**
 * What the page exposes on `window.edgelive` for tests and bench/watch-page.ts (the embed page's
 * script declares its own shape under the same name, so this one is not a global declaration).
 */
interface WatchGlobal {
  player: Player | null;
  video: HTMLVideoElement | null;
  room: RoomFeed | null;
  config: WatchConfig;
  /** ms after navigation start when the first frame played (bench/watch-page.ts reads it). */
  firstFrameMs: number | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;
const config = JSON.parse($(WATCH_CONFIG_ID)?.textContent ?? '{}') as WatchConfig;
const video = $<HTMLVideoElement>('video');
let player: Player | null = null;
let room: RoomFeed | null = null;
let token = config.token;
let firstFrameMs: number | null = null;
video?.addEventListener(
  'playing',
  () => {
    firstFrameMs ??= performance.now();
    expose();
  },
  { once: true },
);

const q = (t: string | null) => (t ? `?token=${encodeURIComponent(t)}` : '');

/** Whether a JWT's aud opens the room: a token for video only must not be sent to the room. */
const opensChat = (t: string | null) => tokenOpens(t, 'chat');

function play(src: string) {
  if (!video) return;
  player?.destroy();
  player = createPlayer(video, { src, latencyMode: config.stream?.latency_mode ?? 'standard' });
  video.play().catch(() => undefined);
  expose();
}

function setState(state: 'live' | 'offline' | 'recording') {
  document.body.dataset.state = state;
  $('slate')?.toggleAttribute('hidden', state !== 'offline');
  $('live-badge')?.toggleAttribute('hidden', state !== 'live');
  $('viewers')?.toggleAttribute('hidden', state !== 'live');
}

/** The heading says what is on: the stream's title when live, the channel's name (on the slate) when not. */
function setTitle(live: boolean) {
  const h = $('title');
  const text = live ? config.stream?.name : $('slate')?.querySelector('strong')?.textContent;
  if (h && text) h.textContent = text;
}

function goLive() {
  if (!config.stream) return;
  setState('live');
  if (config.mode === 'channel') setTitle(true);
  play(`/hls/${config.stream.playback_id}.m3u8${q(token)}`);
}

async function goOffline() {
  player?.destroy();
  player = null;
  if (video) video.removeAttribute('src');
  setState('offline');
  if (config.mode === 'channel') setTitle(false);
  expose();
  // The session that just ended is now a recording: one read of the page's state lists it.
  if (!config.stateUrl) return;
  const res = await fetch(config.stateUrl, { cache: 'no-store' });
  if (!res.ok) return;
  const s = (await res.json()) as { recordings: { href: string; title: string; startedAt: string }[] };
  const list = $('recs');
  if (!list) return;
  $('no-recs')?.remove();
  list.replaceChildren(
    ...s.recordings.map((r) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = r.href;
      const t = document.createElement('span');
      t.textContent = r.title;
      const small = document.createElement('small');
      small.textContent = r.startedAt.slice(0, 16).replace('T', ' ');
      a.append(t, small);
      li.append(a);
      return li;
    }),
  );
}

function onStatus(s: StreamStatus) {
  if (config.mode !== 'channel' && config.mode !== 'embed') return;
  const live = document.body.dataset.state === 'live';
  if (s.status === 'live' && !live) goLive();
  else if (s.status === 'idle' && live) void goOffline();
}

/** A timeout from the page lasts this long; the console and the API set any other duration. */
const TIMEOUT_S = 300;

/** Delete, timeout and ban under each other user's message, for a moderator's or admin's token. */
function modButtons(m: Message): HTMLElement | null {
  const you = room?.state.you;
  const mod = !!you && !you.anonymous && (you.role === 'moderator' || you.role === 'admin');
  if (!mod || !m.user || m.user.id === you.id || m.kind !== 'user') return null;
  const userId = m.user.id;
  const span = document.createElement('span');
  span.className = 'mod';
  const button = (label: string, act: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', act);
    span.append(b);
  };
  button('Delete', () => room?.deleteMessage(m.id));
  button('Timeout', () => room?.moderate('mute', userId, TIMEOUT_S));
  button('Ban', () => room?.moderate('ban', userId));
  return span;
}

function renderMessages(messages: Message[]) {
  const list = $('messages');
  if (!list) return;
  const tail = messages.slice(-200);
  list.replaceChildren(
    ...tail.map((m) => {
      const li = document.createElement('li');
      li.dataset.id = m.id;
      const who = document.createElement('b');
      who.textContent = m.user?.name ?? m.user?.id ?? '';
      li.append(who, document.createTextNode(m.text));
      const mod = modButtons(m);
      if (mod) li.append(mod);
      return li;
    }),
  );
  list.scrollTop = list.scrollHeight;
}

function notice(text: string) {
  const el = $('chat-note');
  if (!el) return;
  el.textContent = text;
  el.hidden = false;
}

function connectRoom() {
  room?.close();
  const roomId = config.stream?.room_id;
  if (!roomId) return;
  const chatToken = opensChat(token) ? token : null;
  const url = new URL(`/v1/rooms/${encodeURIComponent(roomId)}/ws`, location.origin.replace(/^http/, 'ws'));
  if (chatToken) url.searchParams.set('token', chatToken);
  const viewers = $('viewers');
  room = new RoomFeed(url.toString(), {
    onState: (s) => {
      renderMessages(s.messages);
      if (viewers) {
        viewers.hidden = document.body.dataset.state !== 'live';
        viewers.textContent = `${s.counts.viewers} ${config.labels.watching}`;
      }
      const canWrite = !!s.you && !s.you.anonymous;
      $('send')?.toggleAttribute('hidden', !canWrite);
      $('readonly')?.toggleAttribute('hidden', canWrite);
    },
    onStatus,
    onNotice: notice,
  }).connect();
  expose();
}

function expose() {
  (window as unknown as { edgelive?: WatchGlobal }).edgelive = { player, video, room, config, firstFrameMs };
}

interface ReplayMessage {
  id: string;
  name: string | null;
  text: string;
  at_s: number;
}

/**
 * A recording's chat, shown in step with the video: every message sent up to the playhead, so a
 * seek backwards or forwards shows what had been said by then. `at_s` is already player time
 * (the server maps each message through the recording's program date times); at the end every
 * message shows, including what was said after the last frame.
 */
async function replayChat(url: string) {
  const res = await fetch(url);
  if (!res.ok || !video) return;
  const { messages } = (await res.json()) as { messages: ReplayMessage[] };
  const list = $('messages');
  let shown = -1;
  const render = () => {
    const t = video.ended ? Number.POSITIVE_INFINITY : video.currentTime;
    let n = 0;
    while (n < messages.length && messages[n]!.at_s <= t) n++;
    if (n === shown || !list) return;
    shown = n;
    list.replaceChildren(
      ...messages.slice(Math.max(0, n - 200), n).map((m) => {
        const li = document.createElement('li');
        li.dataset.id = m.id;
        const who = document.createElement('b');
        who.textContent = m.name ?? '';
        li.append(who, document.createTextNode(m.text));
        return li;
      }),
    );
    list.scrollTop = list.scrollHeight;
  };
  video.addEventListener('timeupdate', render);
  video.addEventListener('seeked', render);
  video.addEventListener('ended', render);
  render();
}

function main() {
  if (config.mode === 'recording' && config.recordingSrc) {
    play(config.recordingSrc);
    if (config.chatReplayUrl) void replayChat(config.chatReplayUrl);
  } else if (config.stream && config.stream.status !== 'idle' && config.mode !== 'chat') goLive();
  connectRoom();
  const form = $<HTMLFormElement>('send');
  const input = $<HTMLInputElement>('text');
  form?.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input?.value.trim();
    if (!text || !room) return;
    input!.value = '';
    room.send(text);
  });
  // The customer's page hands over a token after its own sign-in, without reloading us.
  window.addEventListener('message', (e) => {
    const d = e.data as { type?: string; token?: string } | null;
    if (d?.type !== 'edgelive:token' || typeof d.token !== 'string') return;
    token = d.token;
    connectRoom();
  });
  expose();
}

main();
