/**
 * The smallest backend in front of Edgelive: it signs a viewer's tokens with @edgelive/node and
 * serves a page with the embed player and a chat box on the stream's room.
 *
 *   EDGELIVE_API_URL=http://127.0.0.1:8787 EDGELIVE_SIGNING_KEY_ID=sk_... EDGELIVE_SIGNING_KEY="$(cat key.pem)" \
 *   PLAYBACK_ID=pb_... ROOM_ID=room_... node examples/node-backend/server.ts
 */
import { createServer } from 'node:http';
import { signChatToken, signPlaybackToken } from '@edgelive/node';
import { Hono } from 'hono';
import { page } from './page.ts';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`Set ${name}`);
  return v;
};
const api = env('EDGELIVE_API_URL').replace(/\/+$/, '');
const key = { id: env('EDGELIVE_SIGNING_KEY_ID'), privateKey: env('EDGELIVE_SIGNING_KEY') };
const playbackId = env('PLAYBACK_ID');
const roomId = env('ROOM_ID');

const app = new Hono();

/** Your own sign-in decides who the viewer is; here it is a name in the query. */
app.get('/api/tokens', async (c) => {
  const user = (c.req.query('user') ?? 'guest').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 40) || 'guest';
  return c.json({
    playback: await signPlaybackToken({ key, playbackId, expiresIn: 3600 }),
    chat: await signChatToken({ key, userId: `viewer-${user}`, name: user, expiresIn: 3600 }),
  });
});

app.get('/', async (c) => {
  const user = c.req.query('user') ?? 'guest';
  return c.html(page({ api, playbackId, roomId, user }));
});

// Hono speaks fetch; node:http hands us IncomingMessage. This is the whole adapter.
const port = Number(process.env.PORT ?? 3000);
createServer(async (req, res) => {
  const url = `http://${req.headers.host ?? `127.0.0.1:${port}`}${req.url ?? '/'}`;
  const answer = await app.fetch(new Request(url, { method: req.method, headers: req.headers as HeadersInit }));
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  res.end(Buffer.from(await answer.arrayBuffer()));
}).listen(port, '127.0.0.1', () => console.log(`example backend on http://127.0.0.1:${port}`));
