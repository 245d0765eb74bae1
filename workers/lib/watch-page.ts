import { WATCH_CONFIG_ID, type WatchConfig } from '../../packages/client/src/watch/watch-config';
import { type Brand, brandCss, brandFooter, brandHead, brandHeader, esc } from './brand';

/**
 * The watch, recording, embed and chat pages: server-rendered (so links unfurl and the first paint
 * needs no script), then hydrated by public/player/watch.js. One stylesheet, inline: a phone's
 * first paint waits for nothing but this document.
 */

/** JSON inside <script> must not be able to close the tag. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

export const WATCH_SCRIPT = '/player/watch.js';

const STYLE = `*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font:15px/1.45 system-ui,sans-serif}
a{color:var(--accent)}.top{display:flex;gap:10px;align-items:center;padding:10px 16px;background:var(--surface)}.brand{font-weight:700}
.logo{border-radius:6px}.wrap{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:16px;padding:16px;max-width:1400px;margin:auto}
@media(max-width:860px){.wrap{grid-template-columns:1fr;padding:0}.stage>*:not(.player){margin-left:12px;margin-right:12px}}
.player{position:relative;aspect-ratio:16/9;background:#000;overflow:hidden}.player video{width:100%;height:100%;display:block}
.slate{position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;justify-content:center;gap:8px;background:var(--surface);background-size:cover;background-position:center}
.slate .avatar{width:88px;height:88px}.badge{position:absolute;top:10px;left:10px;display:flex;gap:6px}
.badge span{background:rgba(0,0,0,.65);color:#fff;padding:2px 8px;border-radius:4px;font-size:13px}.badge .live{background:var(--accent);font-weight:700}
h1{font-size:20px;margin:12px 0 4px}.card{display:flex;gap:12px;align-items:flex-start;padding:12px;background:var(--surface);border-radius:8px;margin-top:8px}
.avatar{width:56px;height:56px;border-radius:50%;object-fit:cover;background:var(--bg);flex:none}.card p{margin:4px 0}.links a{margin-right:10px}
.recs{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px}
.recs a{display:block;padding:10px;background:var(--surface);border-radius:8px;text-decoration:none;color:var(--text)}.recs small{opacity:.7;display:block}
.chat{display:flex;flex-direction:column;background:var(--surface);border-radius:8px;min-height:420px;max-height:calc(100vh - 90px)}
.chat h2{font-size:14px;margin:0;padding:10px 12px;border-bottom:1px solid #8883}#messages{flex:1;overflow-y:auto;padding:8px 12px;margin:0;list-style:none}
#messages li{margin:4px 0;word-wrap:break-word}#messages b{margin-right:6px}.chat form{display:flex;gap:6px;padding:8px}
.chat input{flex:1;padding:8px;border-radius:6px;border:1px solid #8886;background:var(--bg);color:var(--text)}
.chat button{padding:8px 12px;border:0;border-radius:6px;background:var(--accent);color:#fff;font-weight:600}.ro{padding:8px 12px;opacity:.7;font-size:13px;margin:0}
.mod{margin-left:6px;white-space:nowrap}.mod button{font-size:11px;padding:1px 6px;margin-left:3px;border:1px solid #8886;border-radius:4px;background:transparent;color:var(--text);cursor:pointer}
.foot{padding:16px;text-align:center;opacity:.7;font-size:13px}[hidden]{display:none!important}
body.bare .wrap{padding:0;gap:0;max-width:none}body.bare .chat{border-radius:0;max-height:100vh;height:100vh}body.chat-only .wrap{grid-template-columns:1fr}`;

export interface PageMeta {
  title: string;
  description: string;
  /** Absolute URLs: crawlers do not resolve relative ones. */
  url: string;
  image: string | null;
  noindex: boolean;
}

export function ogTags(m: PageMeta): string {
  const tags: [string, string, string][] = [
    ['property', 'og:type', 'video.other'],
    ['property', 'og:title', m.title],
    ['property', 'og:description', m.description],
    ['property', 'og:url', m.url],
    ['name', 'twitter:card', m.image ? 'summary_large_image' : 'summary'],
    ['name', 'twitter:title', m.title],
    ['name', 'twitter:description', m.description],
  ];
  if (m.image) tags.push(['property', 'og:image', m.image], ['name', 'twitter:image', m.image]);
  const meta = tags.map(([k, n, v]) => `<meta ${k}="${n}" content="${esc(v)}">`).join('\n');
  return `${meta}\n<meta name="description" content="${esc(m.description)}">${m.noindex ? '\n<meta name="robots" content="noindex">' : ''}`;
}

export interface ChannelCard {
  displayName: string;
  bio: string;
  avatarUrl: string | null;
  bannerUrl: string | null;
  links: { label: string; url: string }[];
}

export interface RecordingLink {
  href: string;
  title: string;
  startedAt: string;
  durationS: number | null;
}

const duration = (s: number | null) =>
  s == null ? '' : `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

const avatar = (url: string | null, cls = 'avatar') =>
  url ? `<img class="${cls}" src="${esc(url)}" alt="" width="56" height="56">` : `<span class="${cls}"></span>`;

export function recordingsList(recs: RecordingLink[]): string {
  if (!recs.length) return '<p id="no-recs">No past broadcasts yet.</p><ul class="recs" id="recs"></ul>';
  const items = recs
    .map(
      (r) =>
        `<li><a href="${esc(r.href)}"><span>${esc(r.title)}</span><small><time datetime="${r.startedAt}">${r.startedAt.slice(0, 16).replace('T', ' ')}</time> ${duration(r.durationS)}</small></a></li>`,
    )
    .join('');
  return `<ul class="recs" id="recs">${items}</ul>`;
}

export interface WatchPage {
  brand: Brand;
  meta: PageMeta;
  config: WatchConfig;
  heading: string;
  card: ChannelCard | null;
  recordings: RecordingLink[] | null;
  /** Initial state shown before the script runs: the slate unless the stream is live. */
  state: 'live' | 'offline' | 'recording';
}

function stage(p: WatchPage): string {
  if (p.config.mode === 'chat') return '';
  const slateBg = p.card?.bannerUrl ? ` style="background-image:url('${esc(p.card.bannerUrl)}')"` : '';
  const slate = `<div id="slate" class="slate"${slateBg}${p.state === 'offline' ? '' : ' hidden'}>${avatar(p.card?.avatarUrl ?? null)}<strong>${esc(p.card?.displayName ?? p.heading)}</strong><span id="offline-label">${esc(p.config.labels.offline)}</span></div>`;
  const player = `<div class="player"><video id="video" playsinline controls muted></video>${slate}<div class="badge"><span class="live" id="live-badge"${p.state === 'live' ? '' : ' hidden'}>LIVE</span><span id="viewers" hidden></span></div></div>`;
  if (p.config.mode === 'embed') return `<section class="stage">${player}</section>`;
  const card = p.card
    ? `<div class="card">${avatar(p.card.avatarUrl)}<div><strong>${esc(p.card.displayName)}</strong><p>${esc(p.card.bio)}</p><p class="links">${p.card.links.map((l) => `<a href="${esc(l.url)}" rel="noopener nofollow" target="_blank">${esc(l.label)}</a>`).join('')}</p></div></div>`
    : '';
  const recs = p.recordings ? `<h2>Past broadcasts</h2>${recordingsList(p.recordings)}` : '';
  return `<section class="stage">${player}<h1 id="title">${esc(p.heading)}</h1>${card}${recs}</section>`;
}

function chatPane(p: WatchPage): string {
  if (!p.config.chat) return '';
  return `<aside class="chat" id="chat"><h2>Chat</h2><ul id="messages" aria-live="polite"></ul><form id="send" hidden><input id="text" maxlength="500" autocomplete="off" aria-label="Message"><button>Send</button></form><p class="ro" id="readonly">${esc(p.config.labels.readOnly)}</p><p class="ro" id="chat-note" role="status" hidden></p></aside>`;
}

export function renderWatchPage(p: WatchPage): string {
  const bare = p.config.mode === 'embed' || p.config.mode === 'chat';
  const cls = [bare ? 'bare' : '', p.config.mode === 'chat' || !p.config.chat ? 'chat-only' : '']
    .filter(Boolean)
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(p.meta.title)}</title>
${ogTags(p.meta)}
${brandHead(p.brand)}
<style>${brandCss(p.brand)}${STYLE}</style>
</head><body class="${cls}" data-state="${p.state}">
${bare ? '' : brandHeader(p.brand)}
<main class="wrap">${stage(p)}${chatPane(p)}</main>
${bare ? '' : brandFooter(p.brand)}
<script id="${WATCH_CONFIG_ID}" type="application/json">${scriptJson(p.config)}</script>
<script src="${WATCH_SCRIPT}" defer></script>
</body></html>`;
}
