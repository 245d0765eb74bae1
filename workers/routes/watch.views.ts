import type { WatchConfig } from '../../packages/client/src/watch/watch-config';
import type { Brand } from '../lib/brand';
import type { RecordingLink, WatchPage } from '../lib/watch-page';
import { variantUrls } from '../services/image-variants';
import type { WatchModel } from '../services/watch.service';
import { imageUrl } from './channels.schema';

/** From the watch model to what a page renders (and what its script is told). */
export interface PageContext {
  origin: string;
  pagePath: string;
  token: string | null;
  brand: Brand;
}

const LABELS = { offline: 'Offline', watching: 'watching', readOnly: 'Chat is read-only here.' };

const q = (token: string | null) => (token ? `?token=${encodeURIComponent(token)}` : '');

function recordingLinks(m: WatchModel, pagePath: string): RecordingLink[] {
  return m.recordings.map((r) => ({
    href: `${pagePath}/recordings/${r.session_id}`,
    title: r.title,
    startedAt: r.started_at,
    durationS: r.duration_s,
  }));
}

function card(m: WatchModel, origin: string) {
  const ch = m.channel;
  return {
    displayName: ch.displayName,
    bio: ch.bio,
    // Drawn at 56-88 px and across the slate: the 256 px avatar and the 1280 px banner are enough.
    avatarUrl: variantUrls('avatar', imageUrl(origin, ch.avatarKey)).find((v) => v.width === 256)?.url ?? null,
    bannerUrl: variantUrls('banner', imageUrl(origin, ch.bannerKey)).find((v) => v.width === 1280)?.url ?? null,
    links: ch.links,
  };
}

/** The poster for link previews: the live frame of a public stream, else the banner or avatar. */
function previewImage(m: WatchModel, origin: string) {
  if (m.stream && m.stream.policy === 'public' && m.stream.status !== 'idle')
    return `${origin}/thumbnails/${m.stream.playback_id}.jpg`;
  return imageUrl(origin, m.channel.bannerKey) ?? imageUrl(origin, m.channel.avatarKey);
}

const title = (m: WatchModel, brand: Brand, what: string) => `${what} · ${brand.name}`;

export function channelPage(m: WatchModel, ctx: PageContext): WatchPage {
  const live = !!m.stream && m.stream.status !== 'idle';
  const config: WatchConfig = {
    mode: 'channel',
    stream: m.stream,
    recordingSrc: null,
    token: ctx.token,
    stateUrl: `${ctx.pagePath}/state.json`,
    pagePath: ctx.pagePath,
    chat: !!m.stream?.room_id,
    labels: LABELS,
  };
  const name = m.channel.displayName;
  return {
    brand: ctx.brand,
    meta: {
      title: title(m, ctx.brand, live ? `${name} is live: ${m.stream!.name}` : name),
      description: m.channel.bio || `${name} on ${ctx.brand.name}`,
      url: `${ctx.origin}${ctx.pagePath}`,
      image: previewImage(m, ctx.origin),
      noindex: m.channel.visibility === 'unlisted',
    },
    config,
    heading: live ? m.stream!.name : name,
    card: card(m, ctx.origin),
    recordings: recordingLinks(m, ctx.pagePath),
    state: live ? 'live' : 'offline',
  };
}

export function recordingPage(m: WatchModel, ctx: PageContext, sessionId: string): WatchPage | null {
  const r = m.recordings.find((x) => x.session_id === sessionId);
  if (!r) return null;
  const channelPath = ctx.pagePath;
  return {
    brand: ctx.brand,
    meta: {
      title: title(m, ctx.brand, `${r.title} · ${m.channel.displayName}`),
      description: m.channel.bio || `A past broadcast of ${m.channel.displayName}`,
      url: `${ctx.origin}${channelPath}/recordings/${sessionId}`,
      image: `${ctx.origin}/thumbnails/${r.playback_id}.jpg?session=${sessionId}&time=1`,
      noindex: m.channel.visibility === 'unlisted',
    },
    config: {
      mode: 'recording',
      stream: null,
      recordingSrc: `/hls/${r.playback_id}/recordings/${sessionId}.m3u8${q(ctx.token)}`,
      token: ctx.token,
      stateUrl: null,
      pagePath: channelPath,
      chat: !!r.room_id,
      chatReplayUrl: r.room_id ? `${channelPath}/recordings/${sessionId}/chat.json` : null,
      labels: { ...LABELS, readOnly: 'Chat replay: messages appear as they were sent.' },
    },
    heading: r.title,
    card: card(m, ctx.origin),
    recordings: recordingLinks(m, channelPath).filter((l) => !l.href.endsWith(sessionId)),
    state: 'recording',
  };
}

/** What the page's script re-reads after the stream changes state. */
export function watchState(m: WatchModel, pagePath: string) {
  return { stream: m.stream, recordings: recordingLinks(m, pagePath) };
}
