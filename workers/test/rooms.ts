import { exports } from 'cloudflare:workers';
import type { ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { expect } from 'vitest';
import { BASE, call, tenant } from './helpers';

/** A tenant with a signing key, and a way to mint chat tokens the way a customer's backend would. */
export async function chatTenant() {
  const t = await tenant();
  const sk = await call('/v1/signing-keys', { auth: t.key.token, body: { name: 'chat' } });
  expect(sk.status, sk.text).toBe(201);
  const pk = await importPKCS8(sk.json.private_key as string, 'RS256');
  /** `expires`: a jose time span (`'1h'`) or epoch seconds. */
  const tokenFor = (sub: string, claims: Record<string, unknown> = {}, aud = 'chat', expires: string | number = '1h') =>
    new SignJWT({ name: sub, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: sk.json.id })
      .setSubject(sub)
      .setAudience(aud)
      .setExpirationTime(expires)
      .sign(pk);
  const createRoom = async (body: Record<string, unknown> = {}) => {
    const r = await call('/v1/rooms', { auth: t.key.token, body });
    expect(r.status, r.text).toBe(201);
    return r.json as { id: string; settings: Record<string, unknown> };
  };
  return { ...t, signingKeyId: sk.json.id as string, tokenFor, createRoom };
}

export type Frame = ServerFrame;

/** A socket opened through the Worker's real fetch handler, recording every frame it gets. */
export class TestSocket {
  readonly frames: Frame[] = [];
  /** WebSocket frames as they arrived (a `batch` counts once), to see batching happen. */
  raw = 0;
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.addEventListener('message', (e) => {
      this.raw++;
      const f = JSON.parse(e.data as string) as Frame;
      // A batch is its frames in order: tests read the same stream either way.
      if (f.type === 'batch') this.frames.push(...(f.frames as Frame[]));
      else this.frames.push(f);
      this.wake();
    });
    ws.addEventListener('close', (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits for the first frame after `from` (an index into `frames`) that matches. */
  async next<T extends Frame['type']>(
    type: T,
    match: (f: Extract<Frame, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<Frame, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.frames.length; seen++) {
        const f = this.frames[seen]!;
        if (f.type === type && match(f as Extract<Frame, { type: T }>)) {
          this.frames.splice(seen, 1);
          return f as Extract<Frame, { type: T }>;
        }
      }
      if (Date.now() > deadline)
        throw new Error(
          `no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.map((f) => f.type))}`,
        );
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async waitClosed(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  /** No frame of this type arrives within `ms`. */
  async none(type: Frame['type'], ms = 300) {
    await new Promise((r) => setTimeout(r, ms));
    expect(this.frames.filter((f) => f.type === type)).toEqual([]);
  }

  close() {
    try {
      this.ws.close(1000, 'done');
    } catch {
      // already closed
    }
  }
}

export async function openSocket(roomId: string, opts: { token?: string; since?: string; batch?: boolean } = {}) {
  const q = new URLSearchParams();
  if (opts.token) q.set('token', opts.token);
  if (opts.since) q.set('since', opts.since);
  // Batching is the default; `batch: false` asks for one frame each (batch=0).
  if (opts.batch !== undefined) q.set('batch', opts.batch ? '1' : '0');
  const res = await exports.default.fetch(
    new Request(`${BASE}/v1/rooms/${roomId}/ws?${q}`, { headers: { upgrade: 'websocket' } }),
  );
  return res;
}

/** Opens a socket and waits for its snapshot. */
export async function join(roomId: string, opts: { token?: string; since?: string; batch?: boolean } = {}) {
  const res = await openSocket(roomId, opts);
  expect(res.status, res.status === 101 ? '' : await res.text()).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const s = new TestSocket(ws);
  const snapshot = await s.next('snapshot');
  return { s, snapshot };
}

let n = 0;
export const cid = () => `c${Date.now().toString(36)}${(n++).toString(36)}`;

/** Sends a message and returns the acknowledged message. */
export async function say(s: TestSocket, text: string) {
  const client_id = cid();
  s.send({ type: 'send', client_id, text });
  return (await s.next('ack', (f) => f.client_id === client_id)).message;
}
