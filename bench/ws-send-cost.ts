/**
 * What one WebSocket send costs inside workerd, and what makes it cost that: a Durable Object in
 * a bare workerd (the project's own binary, no Miniflare, no dev proxy, no Edgelive code) holding N sockets and sending the same
 * payload to each of them R times, under one variant at a time. The figure is the workerd
 * process's CPU (utime + stime from /proc) over the sends, so the runtime's native work after
 * `send()` returns (queueing, framing, the write syscall) counts, which a V8 profile does not see.
 * The same sends from a Node `ws` server (what Socket.IO sends through) are the baseline.
 *
 *   node bench/ws-send-cost.ts [--sockets 1000] [--rounds 40] [--bytes 600] [--port 21210]
 *
 * Variants: string vs pre-encoded bytes; hibernatable (`ctx.acceptWebSocket`) vs `accept()`; a
 * socket attachment read per send (per-socket JS in a flush loop); sends while a storage write is
 * pending (the output gate holds them until the write is durable); one send per round instead of
 * one per socket (the cost of entering the object at all). 127.0.0.1 only, ports --port..+1.
 */

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { ROOT } from '../scripts/lib/worker-process.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SOCKETS = arg('sockets', 1000);
const ROUNDS = arg('rounds', 40);
const BYTES = arg('bytes', 600);
const PORT = arg('port', 21210);

/** The object under test: `/ws?hib=1` joins, `/blast?...` sends `rounds` × every socket. */
const SCRIPT = `
import { DurableObject } from 'cloudflare:workers';
export class Sink extends DurableObject {
  plain = [];
  fetch(req) {
    const url = new URL(req.url);
    if (url.pathname === '/ws') {
      const [client, server] = Object.values(new WebSocketPair());
      if (url.searchParams.get('hib') === '1') {
        this.ctx.acceptWebSocket(server);
        server.serializeAttachment({ user: 'u', role: 'user', pad: 'x'.repeat(200) });
      } else {
        server.accept();
        this.plain.push(server);
      }
      return new Response(null, { status: 101, webSocket: client });
    }
    const q = url.searchParams;
    const hib = q.get('hib') === '1';
    const rounds = Number(q.get('rounds'));
    const size = Number(q.get('bytes'));
    const sockets = hib ? this.ctx.getWebSockets() : this.plain;
    const text = '{"type":"batch","frames":[' + '"' + 'm'.repeat(size) + '"]}';
    const payload = q.get('kind') === 'bytes' ? new TextEncoder().encode(text) : text;
    for (let r = 0; r < rounds; r++) {
      if (q.get('pending') === '1') this.ctx.storage.sql.exec('INSERT INTO t (v) VALUES (?)', r);
      if (q.get('one') === '1') { sockets[0].send(payload); continue; }
      for (const ws of sockets) {
        if (q.get('attach') === '1' && ws.deserializeAttachment().role === 'banned') continue;
        ws.send(payload);
        if (q.get('double') === '1') ws.send(payload);
      }
    }
    return new Response(String(sockets.length));
  }
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS t (v INTEGER)');
  }
}
export default {
  fetch(req, env) {
    return env.SINK.get(env.SINK.idFromName('one')).fetch(req);
  },
};
`;

const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)
    .split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
};
const TICK_MS = 10;

/** Clients that count every frame they get, so a variant is timed until the last one arrived. */
async function clients(url: string, n: number) {
  let received = 0;
  const all: WebSocket[] = [];
  for (let i = 0; i < n; i += 100) {
    all.push(
      ...(await Promise.all(
        Array.from(
          { length: Math.min(100, n - i) },
          () =>
            new Promise<WebSocket>((resolve, reject) => {
              const ws = new WebSocket(url, { perMessageDeflate: false });
              ws.on('message', () => received++);
              ws.once('open', () => resolve(ws));
              ws.once('error', reject);
            }),
        ),
      )),
    );
  }
  return {
    received: () => received,
    reset: () => {
      received = 0;
    },
    close: () => {
      for (const ws of all) ws.terminate();
    },
  };
}

async function until(cond: () => boolean, ms = 60_000, poll?: () => Promise<unknown>) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await (poll ? poll() : undefined);
    await new Promise((r) => setTimeout(r, 5));
  }
}
let ready = false;

const results: string[] = [];
async function measure(
  name: string,
  pid: number,
  c: Awaited<ReturnType<typeof clients>>,
  blast: () => Promise<unknown>,
  sends: number,
  expected = sends,
) {
  c.reset();
  const t0 = performance.now();
  const cpu0 = cpuTicks(pid);
  await blast();
  await until(() => c.received() >= expected);
  const wall = performance.now() - t0;
  const cpuMs = (cpuTicks(pid) - cpu0) * TICK_MS;
  const line = `${name.padEnd(58)} ${((cpuMs * 1000) / sends).toFixed(1).padStart(6)} µs CPU/send | ${((wall * 1000) / sends).toFixed(1).padStart(6)} µs wall/send | ${sends} sends`;
  console.log(line);
  results.push(line);
}

console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${SOCKETS} sockets, ${ROUNDS} rounds, ${BYTES}-byte payload`,
);

// A bare workerd (no Miniflare, no dev proxy): the object's SQLite on disk under the OS tmpdir,
// as the room benchmark's default state.
const dir = mkdtempSync(join(tmpdir(), 'ws-send-cost-'));
mkdirSync(join(dir, 'do'));
writeFileSync(join(dir, 'worker.js'), SCRIPT);
writeFileSync(
  join(dir, 'config.capnp'),
  `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w), (name = "disk", disk = (path = "${join(dir, 'do')}", writable = true)) ],
  sockets = [ (name = "http", address = "127.0.0.1:${PORT}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2026-11-01",
  durableObjectNamespaces = [ (className = "Sink", uniqueKey = "ws-send-cost", enableSql = true) ],
  durableObjectStorage = (localDisk = "disk"),
  bindings = [ (name = "SINK", durableObjectNamespace = "Sink") ],
);
`,
);
const runtime = spawn(join(ROOT, 'node_modules/workerd/bin/workerd'), ['serve', join(dir, 'config.capnp')], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stop = () => {
  runtime.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
};
try {
  const base = `http://127.0.0.1:${PORT}`;
  await until(
    () => ready,
    30_000,
    () =>
      fetch(`${base}/blast?rounds=0&hib=1`).then(
        (r) => {
          ready = r.ok;
        },
        () => undefined,
      ),
  );
  const workerd = { pid: runtime.pid! };
  const ws = base.replace(/^http/, 'ws');
  const q = (o: Record<string, string | number>) =>
    new URLSearchParams(
      Object.entries({ rounds: ROUNDS, bytes: BYTES, ...o }).map(([k, v]) => [k, String(v)]),
    ).toString();
  const blast = (o: Record<string, string | number>) => () => fetch(`${base}/blast?${q(o)}`).then((r) => r.text());
  const n = SOCKETS * ROUNDS;

  const hib = await clients(`${ws}/ws?hib=1`, SOCKETS);
  await measure('warm-up (hibernatable, string)', workerd.pid, hib, blast({ hib: 1 }), n);
  await measure('hibernatable, string', workerd.pid, hib, blast({ hib: 1 }), n);
  await measure('hibernatable, pre-encoded bytes', workerd.pid, hib, blast({ hib: 1, kind: 'bytes' }), n);
  await measure('hibernatable, string, attachment read per send', workerd.pid, hib, blast({ hib: 1, attach: 1 }), n);
  await measure(
    'hibernatable, string, a SQLite write pending (output gate)',
    workerd.pid,
    hib,
    blast({ hib: 1, pending: 1 }),
    n,
  );
  // Two sends to each socket per round: what a second message costs once the socket's pump runs.
  await measure('hibernatable, two sends per socket per round', workerd.pid, hib, blast({ hib: 1, double: 1 }), n * 2);
  await measure(
    'hibernatable, string, 64 KB payload',
    workerd.pid,
    hib,
    blast({ hib: 1, bytes: 65536, rounds: 4 }),
    SOCKETS * 4,
  );
  hib.close();
  const plain = await clients(`${ws}/ws?hib=0`, SOCKETS);
  await measure('accept() (not hibernatable), string', workerd.pid, plain, blast({ hib: 0 }), n);
  await measure(
    'accept() (not hibernatable), pre-encoded bytes',
    workerd.pid,
    plain,
    blast({ hib: 0, kind: 'bytes' }),
    n,
  );
  // One send per request: what entering the object costs, spread over one send (the floor per call).
  const one = { ...plain };
  await measure('one send per round (request + one send)', workerd.pid, one, blast({ hib: 0, one: 1 }), ROUNDS, ROUNDS);
  plain.close();
} finally {
  stop();
}

// The baseline: the same sends from Node's `ws` (Socket.IO's transport), in a child-free server here.
{
  const wss = new WebSocketServer({ host: '127.0.0.1', port: PORT + 1, perMessageDeflate: false });
  const c = await clients(`ws://127.0.0.1:${PORT + 1}`, SOCKETS);
  const text = `{"type":"batch","frames":["${'m'.repeat(BYTES)}"]}`;
  const t0 = process.cpuUsage();
  const w0 = performance.now();
  c.reset();
  for (let r = 0; r < ROUNDS; r++) for (const s of wss.clients) s.send(text);
  const sendCpu = process.cpuUsage(t0);
  await until(() => c.received() >= SOCKETS * ROUNDS);
  const wall = performance.now() - w0;
  const line = `${'Node ws server (same process as the clients), string'.padEnd(58)} ${((sendCpu.user + sendCpu.system) / (SOCKETS * ROUNDS)).toFixed(1).padStart(6)} µs CPU/send | ${((wall * 1000) / (SOCKETS * ROUNDS)).toFixed(1).padStart(6)} µs wall/send (with receiving)`;
  console.log(line);
  c.close();
  wss.close();
}
process.exit(0);
