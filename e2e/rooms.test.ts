import { rmSync } from 'node:fs';
import type { Message, ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RoomClient } from '../packages/client/src/index';
import { startTestStack, startWorker, type TestStack, type WorkerHandle } from './harness/stack';

/** Real sockets from Node against `wrangler dev`: the same send/receive and resume as the workerd tests. */
const PORT = 8871;
let stack: TestStack;
let worker: WorkerHandle;
let sign: (sub: string, claims?: Record<string, unknown>) => Promise<string>;

beforeAll(async () => {
  stack = await startTestStack({ port: PORT });
  worker = stack.worker;
  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  sign = (sub, claims = {}) =>
    new SignJWT({ name: sub, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
      .setSubject(sub)
      .setAudience('chat')
      .setExpirationTime('1h')
      .sign(key);
});

afterAll(async () => {
  await worker?.stop();
  if (stack) rmSync(stack.worker.persistTo, { recursive: true, force: true });
});

class NodeSocket {
  frames: ServerFrame[] = [];
  ws: WebSocket;
  opened: Promise<void>;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (d) => {
      // Rooms coalesce a tick's frames into one `batch`: read the frames inside in order.
      const f = JSON.parse(d.toString()) as ServerFrame;
      if (f.type === 'batch') this.frames.push(...(f.frames as ServerFrame[]));
      else this.frames.push(f);
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }
  async next<T extends ServerFrame['type']>(type: T, timeout = 10_000): Promise<Extract<ServerFrame, { type: T }>> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0] as Extract<ServerFrame, { type: T }>;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${type}; have ${this.frames.map((f) => f.type).join(',')}`);
  }
}

const wsUrl = (roomId: string, token: string, since?: string) =>
  `ws://127.0.0.1:${PORT}/v1/rooms/${roomId}/ws?token=${encodeURIComponent(token)}${since ? `&since=${since}` : ''}`;

async function until(cond: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('rooms against wrangler dev', () => {
  it('sends and receives between real WebSocket clients', async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', { name: 'e2e' });
    const socks = await Promise.all(
      ['ann', 'ben', 'cy'].map(async (u) => {
        const s = new NodeSocket(wsUrl(room.id, await sign(u)));
        await s.opened;
        await s.next('snapshot');
        return s;
      }),
    );
    socks[0]!.ws.send(JSON.stringify({ type: 'send', client_id: 'e2e-1', text: 'hello from node' }));
    const ack = await socks[0]!.next('ack');
    for (const s of socks.slice(1)) expect((await s.next('message')).message).toEqual(ack.message);
    // Ping/pong through the runtime's auto-response.
    socks[1]!.ws.send('{"type":"ping"}');
    expect(await socks[1]!.next('pong')).toEqual({ type: 'pong' });
    for (const s of socks) s.ws.close();
  });

  it('resumes with the SDK across a dropped connection and a restart of the whole server: no loss, no duplicates', async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', { name: 'resume' });
    const writer = new NodeSocket(wsUrl(room.id, await sign('writer', { role: 'admin' })));
    await writer.opened;
    await writer.next('snapshot');
    const say = async (text: string, s = writer) => {
      s.ws.send(JSON.stringify({ type: 'send', client_id: `${text}-${Math.random()}`, text }));
      return (await s.next('ack')).message;
    };
    const reader = new RoomClient({
      baseUrl: worker.url,
      roomId: room.id,
      token: () => sign('reader'),
      WebSocket,
    }).connect();
    const received: Message[] = [];
    reader.on('message', (f) => received.push(f.message));
    reader.on('snapshot', (f) => received.push(...f.messages));
    await until(() => reader.state.status === 'open');
    const sent: Message[] = [];
    for (let i = 0; i < 3; i++) sent.push(await say(`live-${i}`));
    await until(() => received.length === 3);

    // The reader's connection drops; the room keeps talking; the reader comes back by itself.
    reader.reconnect();
    for (let i = 0; i < 3; i++) sent.push(await say(`during-drop-${i}`));
    await until(() => reader.state.messages.length === 6);

    // Now the whole server goes away and comes back on the same storage.
    writer.ws.close();
    await worker.stop();
    worker = await startWorker({ port: PORT, persistTo: stack.worker.persistTo });
    const writer2 = new NodeSocket(wsUrl(room.id, await sign('writer', { role: 'admin' })));
    await writer2.opened;
    const snap = await writer2.next('snapshot');
    expect(snap.messages.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    for (let i = 0; i < 3; i++) sent.push(await say(`after-restart-${i}`, writer2));
    await until(() => reader.state.messages.length === 9, 60_000);
    expect(reader.state.messages.map((m) => m.id)).toEqual(sent.map((m) => m.id));
    const ids = received.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(sent.map((m) => m.id).sort());
    reader.close();
    writer2.ws.close();
  });
});
