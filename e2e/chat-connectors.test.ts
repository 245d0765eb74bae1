/**
 * External chat in a room, for real: a room's Twitch connector (IRC, what Twitch chat speaks) held
 * by the room object over a Workers TCP socket, against Debian's ngIRCd on 127.0.0.1. The server has
 * a password, as Twitch checks `PASS oauth:...`: a wrong token is refused (the connector says why),
 * the right one (sealed at rest, opened by the room) gets in. A message a person writes in the IRC
 * channel arrives on the room socket as a `source: "twitch"` message within a second; a
 * blocklisted word from IRC never arrives; a moderator deletes an IRC message here; a message
 * written in the room goes out to the channel; the server going away is `errored`.
 *
 * The first version of this file never passed: ngIRCd without a password refuses any `PASS`
 * ("Bad server password") and hangs up, so the connector never joined. The server here is given
 * the token as its password, which also proves the token reaches it.
 *
 * Ports (issue 13's range): wrangler dev 20060, ngIRCd 20069.
 */
import type { Message, ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { IrcServer, IrcUser } from './harness/irc-server.ts';
import { until } from './harness/live.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

const WORKER_PORT = 20060;
const IRC_PORT = 20069;
const CHANNEL = '#edgelive';
const TOKEN = 'oauth:e2e-chat-token';

let stack: TestStack;
const ircd = new IrcServer(IRC_PORT, TOKEN);
const alice = new IrcUser('alice');
let socket: WebSocket | null = null;

beforeAll(async () => {
  await ircd.start();
  // The IRC server is on loopback: allowed in development under the webhooks' switch.
  stack = await startTestStack({ port: WORKER_PORT, vars: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
});

afterAll(async () => {
  socket?.close();
  alice.close();
  await stack?.stop();
  await ircd.stop();
});

type Frames = { at: number; frame: ServerFrame }[];

async function roomSocket(roomId: string, sub: string, role?: string): Promise<Frames> {
  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  const token = await new SignJWT({ name: 'Host', ...(role ? { role } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
    .setSubject(sub)
    .setAudience('chat')
    .setExpirationTime('1h')
    .sign(key);
  const frames: Frames = [];
  const ws = new WebSocket(`ws://127.0.0.1:${WORKER_PORT}/v1/rooms/${roomId}/ws?token=${encodeURIComponent(token)}`);
  socket = ws;
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as ServerFrame;
    for (const x of f.type === 'batch' ? (f.frames as ServerFrame[]) : [f]) frames.push({ at: Date.now(), frame: x });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await until('the snapshot', () => frames.some((f) => f.frame.type === 'snapshot'));
  return frames;
}

const messagesIn = (frames: Frames) =>
  frames.flatMap((f) => (f.frame.type === 'message' ? [{ at: f.at, m: f.frame.message as Message }] : []));

type ConnectorView = { id: string; status: string; token_set: boolean; last_error: string | null };

function connectorUntil(roomId: string, id: string, what: (c: ConnectorView) => boolean, label: string) {
  let last: ConnectorView | null = null;
  return until(
    label,
    async () => {
      last = await stack.api.call<ConnectorView>('GET', `/v1/rooms/${roomId}/connectors/${id}`);
      return what(last) ? last : null;
    },
    20_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; connector ${JSON.stringify(last)}`);
  });
}

const twitchConnector = (token: string) => ({
  kind: 'twitch',
  channel: 'edgelive',
  host: '127.0.0.1',
  port: IRC_PORT,
  tls: false,
  nick: 'edgelivebot',
  token,
  relay: true,
});

describe('chat connectors (a real IRC server)', () => {
  it('brings IRC messages into the room marked twitch within a second, blocks blocklisted words, relays room messages out', async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', {
      name: 'with twitch',
      settings: { blocklist: { words: ['spoiler'] } },
    });
    const frames = await roomSocket(room.id, 'host');

    // A wrong token: the server refuses it and the connector says so (no reconnect storm here: one check per 15 s).
    const wrong = await stack.api.call<ConnectorView>(
      'POST',
      `/v1/rooms/${room.id}/connectors`,
      twitchConnector('oauth:wrong'),
    );
    const refused = await connectorUntil(room.id, wrong.id, (c) => c.status === 'errored', 'the wrong token refused');
    expect(refused.last_error).toMatch(/password/i);
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/connectors/${wrong.id}`);

    const connector = await stack.api.call<ConnectorView>(
      'POST',
      `/v1/rooms/${room.id}/connectors`,
      twitchConnector(TOKEN),
    );
    expect(connector).toMatchObject({ status: 'connecting', token_set: true });
    expect(JSON.stringify(connector)).not.toContain(TOKEN);
    await connectorUntil(room.id, connector.id, (c) => c.status === 'connected', 'the connector connected');
    await alice.connect(IRC_PORT, CHANNEL, TOKEN);
    expect(alice.names).toContain('edgelivebot');

    const sentAt = Date.now();
    alice.say(CHANNEL, 'hello from twitch');
    const got = await until('the IRC message in the room', () =>
      messagesIn(frames).find((x) => x.m.text === 'hello from twitch'),
    );
    expect(got.m).toMatchObject({ source: 'twitch', user: { name: 'alice', id: 'twitch:alice' } });
    expect(got.at - sentAt).toBeLessThan(1000);

    alice.say(CHANNEL, 'huge spoiler ahead');
    alice.say(CHANNEL, 'and after that one');
    await until('the next message', () => messagesIn(frames).find((x) => x.m.text === 'and after that one'));
    expect(messagesIn(frames).some((x) => x.m.text.includes('huge spoiler'))).toBe(false);

    // A moderator here deletes an IRC message like any other: the room sees it go.
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/messages/${got.m.id}`);
    await until('the delete on the socket', () =>
      frames.find((f) => f.frame.type === 'message_deleted' && f.frame.message_id === got.m.id),
    );

    // Written in the room: relayed to the channel by the bot, with the author's name.
    socket!.send(JSON.stringify({ type: 'send', client_id: 'c1', text: 'hi twitch, from the site' }));
    await until('the room message in IRC', () =>
      alice.heard.find((h) => h.from === 'edgelivebot' && h.text === '<Host> hi twitch, from the site'),
    );

    // History keeps the source; the events say the connector connected (and the wrong one errored).
    const history = await stack.api.call<{ data: Message[] }>('GET', `/v1/rooms/${room.id}/messages?limit=10`);
    expect(history.data.find((m) => m.text === 'and after that one')?.source).toBe('twitch');
    expect(history.data.some((m) => m.text === 'hello from twitch')).toBe(false);
    const events = await stack.api.call<{ data: { type: string }[] }>('GET', `/v1/events?object_id=${connector.id}`);
    expect(events.data.map((e) => e.type)).toContain('chat_connector.connected');
    const wrongEvents = await stack.api.call<{ data: { type: string }[] }>('GET', `/v1/events?object_id=${wrong.id}`);
    expect(wrongEvents.data.map((e) => e.type)).toContain('chat_connector.errored');

    // The IRC server goes away: the connector says errored.
    await ircd.stop();
    await connectorUntil(room.id, connector.id, (c) => c.status === 'errored', 'errored after the server left');
    expect((await stack.api.call<{ data: unknown[] }>('GET', `/v1/rooms/${room.id}/connectors`)).data).toHaveLength(1);
  }, 90_000);
});
