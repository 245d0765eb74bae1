const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The viewer's page: the embed player in an iframe and a chat box on the room's WebSocket. Both
 * tokens come from this backend (`/api/tokens`), never from the browser.
 */
export function page(o: { api: string; playbackId: string; roomId: string; user: string }): string {
  const cfg = JSON.stringify({ api: o.api, playbackId: o.playbackId, roomId: o.roomId, user: o.user }).replace(
    /</g,
    '\\u003c',
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Live with Edgelive</title>
<style>body{font:15px system-ui,sans-serif;margin:1rem;display:flex;gap:1rem}iframe{width:640px;height:360px;border:0;background:#000}#chat{width:320px}#log{height:280px;overflow:auto;border:1px solid #ccc;padding:.5rem;margin:.5rem 0}</style></head>
<body><iframe id="player" allow="autoplay; fullscreen" title="Live stream"></iframe>
<div id="chat"><strong>Chat</strong> <span id="status">connecting</span> as ${esc(o.user)}<div id="log"></div>
<form id="send"><input id="text" maxlength="500" placeholder="Say something" autocomplete="off"><button>Send</button></form></div>
<script type="module">
const cfg = ${cfg};
const tokens = await (await fetch('/api/tokens?user=' + encodeURIComponent(cfg.user))).json();
document.getElementById('player').src = cfg.api + '/embed/' + cfg.playbackId + '?autoplay=1&muted=1&token=' + tokens.playback;
const log = document.getElementById('log');
const line = (m) => { const p = document.createElement('div'); p.className = 'msg'; p.textContent = (m.user?.name ?? 'system') + ': ' + m.text; log.append(p); };
const ws = new WebSocket(cfg.api.replace(/^http/, 'ws') + '/v1/rooms/' + cfg.roomId + '/ws?token=' + tokens.chat);
// The room batches frames from one tick into one 'batch' frame, and answers the sender's own
// message with an 'ack' (everyone else gets 'message'); see docs/rooms-protocol.md.
const onFrame = (f) => {
  if (f.type === 'batch') return f.frames.forEach(onFrame);
  if (f.type === 'snapshot') { document.getElementById('status').textContent = 'connected'; f.messages.forEach(line); }
  if (f.type === 'message' || (f.type === 'ack' && !f.duplicate)) line(f.message);
  if (f.type === 'error') document.getElementById('status').textContent = 'error: ' + f.message;
};
ws.onmessage = (e) => onFrame(JSON.parse(e.data));
ws.onclose = () => (document.getElementById('status').textContent = 'disconnected');
document.getElementById('send').onsubmit = (e) => {
  e.preventDefault();
  const t = document.getElementById('text');
  if (t.value) ws.send(JSON.stringify({ type: 'send', client_id: crypto.randomUUID(), text: t.value }));
  t.value = '';
};
</script></body></html>`;
}
