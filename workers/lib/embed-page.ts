import { EMBED_CONFIG_ID, type EmbedConfig } from '../../packages/client/src/player/embed-config';

/** The embed page's markup; its script (public/player/embed.js) does the rest. */

/** JSON inside <script> must not be able to close the tag. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const STYLE = `
*{box-sizing:border-box}html,body{margin:0;height:100%;background:#000;overflow:hidden;font:14px system-ui,sans-serif}
video{width:100%;height:100%;display:block;background:#000}
#bar{position:absolute;top:8px;left:8px;right:8px;display:flex;gap:8px;align-items:center;pointer-events:none}
#live{background:#e11d48;color:#fff;font:600 14px system-ui,sans-serif;padding:2px 8px;border:0;border-radius:4px;letter-spacing:.05em;pointer-events:auto;cursor:pointer}
#live.behind{background:#52525b}
#quality{margin-left:auto;pointer-events:auto;background:rgba(0,0,0,.6);color:#fff;border:1px solid #fff4;border-radius:4px;padding:2px 4px}
#error{position:absolute;bottom:56px;left:8px;right:8px;color:#fff;background:rgba(0,0,0,.7);padding:8px;border-radius:4px}
#chat{position:absolute;right:8px;bottom:56px;width:min(40%,320px);max-height:55%;margin:0;padding:0;list-style:none;display:flex;flex-direction:column;justify-content:flex-end;overflow:hidden;pointer-events:none}
#chat li{margin-top:4px;padding:4px 8px;border-radius:4px;background:rgba(0,0,0,.65);color:#fff;font-size:13px;overflow-wrap:anywhere}
#chat b{font-weight:600;color:#fbbf24}
[hidden]{display:none!important}`;

/** `title`: the app's brand name when it set one (white-label), else ours. */
export function renderEmbedPage(config: EmbedConfig, scriptUrl: string, title = 'Edgelive player'): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)}</title>
<style>${STYLE}</style>
</head><body>
<video id="video" controls playsinline></video>
<div id="bar"><button id="live" type="button" title="Jump to live" hidden>LIVE</button><select id="quality" aria-label="Quality" hidden></select></div>
<div id="error" role="status" hidden></div>
<ol id="chat" aria-label="Chat replay" aria-live="polite" hidden></ol>
<script id="${EMBED_CONFIG_ID}" type="application/json">${scriptJson(config)}</script>
<script src="${scriptUrl}" defer></script>
</body></html>`;
}
