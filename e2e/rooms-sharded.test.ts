import type { ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestStack, type TestStack } from './harness/stack';

/**
 * A room sharded past one object, with real sockets against `wrangler dev` (issue 19): 300 clients
 * on 127.0.0.1 by default (small enough for CI; `SHARDED_E2E_SOCKETS=2000` for a bigger run),
 * `shard_above` a sixth of them so they spread over at least four edge shards. Every client checks
 * what it got: every message once, each sender's in order; the counts the room pushes; and bans
 * made through the API close the banned users' sockets on every shard, and on the room's own
 * object, within a second.
 */
const PORT = 21200;
const SOCKETS = Number(process.env.SHARDED_E2E_SOCKETS ?? 300);
const SHARD_ABOVE = Math.ceil(SOCKETS / 6);
const SENDERS = 10;
const PER_SENDER = 10;
const BANNED = 20;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ port: PORT });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

/** How long a viewer waits for the TCP end after the server's close frame (see Viewer). */
const CLOSE_WAIT_MS = 50;

/** One viewer: counts what it got without keeping frames (thousands of these share the test's process). */
class Viewer {
  readonly ws: WebSocket;
  readonly seen = new Set<string>();
  readonly lastBySender = new Map<string, number>();
  outOfOrder = 0;
  duplicates = 0;
  acks = 0;
  /** The `banned` error frame arrived (the close follows it). */
  toldBanned = false;
  counts: { connections: number; members: number } | null = null;
  closed: { code: number; at: number } | null = null;
  opened: Promise<void>;

  constructor(
    readonly user: string,
    url: string,
  ) {
    // The server's close frame is the ban taking effect. `ws` emits 'close' only once the TCP
    // connection ends too, and `wrangler dev`'s proxy holds that open after the close frame (on the
    // room's own object as on a shard); ws's public `closeTimeout` (30 s by default) bounds that
    // wait, so 'close' comes with the server's code at most CLOSE_WAIT_MS after its frame.
    // (`closeTimeout` is in ws 8.23's documented options; @types/ws does not list it yet.)
    const options: WebSocket.ClientOptions & { closeTimeout: number } = { closeTimeout: CLOSE_WAIT_MS };
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as ServerFrame;
      for (const x of f.type === 'batch' ? (f.frames as ServerFrame[]) : [f]) this.take(x);
    });
    this.ws.on('close', (code) => {
      this.closed ??= { code, at: Date.now() };
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  private take(f: ServerFrame) {
    if (f.type === 'counts') this.counts = f.counts;
    else if (f.type === 'ack') this.acks++;
    else if (f.type === 'error' && f.code === 'banned') this.toldBanned = true;
    else if (f.type === 'message' && f.message.user) {
      const id = f.message.id;
      if (this.seen.has(id)) this.duplicates++;
      this.seen.add(id);
      const [sender, n] = f.message.text.split(':') as [string, string];
      if ((this.lastBySender.get(sender) ?? -1) >= Number(n)) this.outOfOrder++;
      this.lastBySender.set(sender, Number(n));
    }
  }
}

async function until(what: string, cond: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a sharded room against wrangler dev', () => {
  it(`${SOCKETS} sockets over at least four shards: no loss, no duplicates, order, counts, bans`, async () => {
    const t0 = Date.now();
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', {
      name: 'sharded',
      // Raw clients that do not reconnect: sockets stay on the shard they joined (moves are proven in
      // durable-objects/room-shard/room-shards.test.ts, with clients that resume).
      settings: { shard_above: SHARD_ABOVE, max_shards: 8, shard_moves_per_second: 0 },
    });
    const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
    const token = (sub: string, role: string) =>
      new SignJWT({ name: sub, role })
        .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
        .setSubject(sub)
        .setAudience('chat')
        .setExpirationTime('1h')
        .sign(key);
    // Senders join first and last, so some sit on the room's own object and some on shards.
    const senderAt = new Set(Array.from({ length: SENDERS }, (_, i) => (i % 2 ? SOCKETS - 1 - i : i)));
    const viewers: Viewer[] = [];
    for (let from = 0; from < SOCKETS; from += 100) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(100, SOCKETS - from) }, async (_, j) => {
          const i = from + j;
          const user = `v${i}`;
          const tok = await token(user, senderAt.has(i) ? 'admin' : 'user');
          return new Viewer(user, `ws://127.0.0.1:${PORT}/v1/rooms/${room.id}/ws?token=${tok}`);
        }),
      );
      await Promise.all(wave.map((v) => v.opened));
      viewers.push(...wave);
      if (viewers.length % 500 === 0) console.log(`${viewers.length} sockets open after ${Date.now() - t0} ms`);
    }
    const connected = Date.now();
    const live = await stack.api.call<{
      live: { connections: number; members: number; shards: Record<string, number> };
    }>('GET', `/v1/rooms/${room.id}`);
    const onShards = Object.values(live.live.shards).reduce((a, b) => a + b, 0);
    console.log(`connected ${SOCKETS} in ${connected - t0} ms; per shard ${JSON.stringify(live.live.shards)}`);
    expect(Object.keys(live.live.shards).length).toBeGreaterThanOrEqual(4);
    expect(live.live.connections).toBe(SOCKETS);
    expect(live.live.members).toBe(SOCKETS);
    expect(onShards).toBe(SOCKETS - SHARD_ABOVE);

    // Every client hears the counts the primary sums from its shards (pushed once a second).
    await until(
      'the summed counts on every socket',
      () => viewers.every((v) => v.counts?.connections === SOCKETS),
      10_000,
    );
    expect(viewers.every((v) => v.counts?.members === SOCKETS)).toBe(true);

    // Twenty senders, ten messages each, as fast as they can: everyone else gets every one once, in order.
    const senders = viewers.filter((_, i) => senderAt.has(i));
    for (let n = 0; n < PER_SENDER; n++)
      for (const s of senders)
        s.ws.send(JSON.stringify({ type: 'send', client_id: `${s.user}-${n}`, text: `${s.user}:${n}` }));
    const total = SENDERS * PER_SENDER;
    const owed = (v: Viewer) => (senderAt.has(viewers.indexOf(v)) ? total - PER_SENDER : total);
    await until('every message on every socket', () => viewers.every((v) => v.seen.size >= owed(v)), 30_000);
    const delivered = Date.now();
    await until('every ack', () => senders.every((s) => s.acks === PER_SENDER), 5000);
    expect(viewers.filter((v) => v.seen.size !== owed(v)).length).toBe(0);
    expect(viewers.reduce((n, v) => n + v.duplicates, 0)).toBe(0);
    expect(viewers.reduce((n, v) => n + v.outOfOrder, 0)).toBe(0);
    console.log(
      `${total} messages to ${SOCKETS} sockets (${viewers.reduce((n, v) => n + v.seen.size, 0)} deliveries) in ${delivered - connected} ms`,
    );

    // Bans through the API, of users who joined last (so on the shards), and two on the room's own
    // object (among the first to join): each socket closes with 4003. How soon is printed, not
    // asserted (a loaded CI machine stretches it; the figures go to the handbook): the bound is 5 s.
    const banned = [...viewers.slice(-BANNED - SENDERS, -SENDERS), viewers[5]!, viewers[7]!];
    const startedAt = new Map<Viewer, number>();
    await Promise.all(
      banned.map(async (v) => {
        startedAt.set(v, Date.now());
        await stack.api.call('POST', `/v1/rooms/${room.id}/bans`, { user_id: v.user, reason: 'e2e' });
      }),
    );
    await until('the banned sockets to close', () => banned.every((v) => v.closed), 5000).catch((err) => {
      const state = banned.map(
        (v) => `${v.user}:${v.toldBanned ? 'told' : '-'}/${v.closed?.code ?? 'open'}/rs${v.ws.readyState}`,
      );
      const logs = stack.worker
        .logs()
        .split('\n')
        .filter((l) => !l.includes('"level":"info"'));
      throw new Error(`${err.message}: ${state.join(' ')}\n${logs.slice(-40).join('\n')}`);
    });
    const slowest = Math.max(...banned.map((v) => v.closed!.at - startedAt.get(v)!));
    console.log(`${banned.length} bans: slowest close ${slowest} ms after its API call began`);
    expect(banned.map((v) => v.closed!.code)).toEqual(banned.map(() => 4003));
    expect(viewers.filter((v) => v.closed && !banned.includes(v))).toEqual([]);
    // The shards report the closed sockets: the counts drop by exactly the banned, on at least four shards.
    let after = live;
    for (let i = 0; i < 40 && after.live.connections !== SOCKETS - banned.length; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await stack.api.call('GET', `/v1/rooms/${room.id}`);
    }
    expect(after.live.connections).toBe(SOCKETS - banned.length);
    const lost = Object.keys(live.live.shards).filter((k) => (after.live.shards[k] ?? 0) < live.live.shards[k]!);
    console.log(
      `shards before ${JSON.stringify(live.live.shards)}, after the bans ${JSON.stringify(after.live.shards)}`,
    );
    expect(lost.length).toBeGreaterThanOrEqual(4);
    for (const v of viewers) v.ws.terminate();
    console.log(`sharded e2e: ${Date.now() - t0} ms`);
  }, 240_000);
});
