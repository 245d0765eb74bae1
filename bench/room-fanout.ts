/**
 * Fan-out benchmark: 1,000 clients in one room, publishing at rising steady rates until send-to-
 * receive p99 passes 100 ms, against Edgelive (`wrangler dev`, one RoomObject) and, in the same
 * run, a Socket.IO 4 room broadcast on Node. Prints delivered messages/s, p50/p99, loss and
 * duplicates per step, whose limit was hit, and the ratio of sustained deliveries/s.
 *
 *   node bench/room-fanout.ts [--clients 1000] [--seconds 4] [--rates 2,5,10] [--state-dir /dev/shm]
 *                             [--direct] [--no-batch] [--profile] [--port 8880] [--only edgelive|socket.io]
 *                             [--shard-above 200 --max-shards 4]
 *
 * `wrangler dev` puts a proxy (its own workerd) in front of the workerd that runs the Worker and
 * the room, so every frame to every socket crosses one more process than in production.
 * `--direct` connects the clients to the runtime's own port instead; the output says which.
 * `--shard-above N` creates the room with that sharding threshold (settings.shard_above; default
 * off here), so past N sockets the clients land on `--max-shards` edge shards (default 4).
 *
 * 127.0.0.1 only, ports 8880-8881 (or --port and --port+1), bounded rate schedule; it stops its servers when done.
 */
import { type ChildProcess, execFileSync, execSync, fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { seedDemo } from '../scripts/lib/seed.ts';
import { ROOT, startWorker, type WorkerHandle } from '../scripts/lib/worker-process.ts';
import { formatSummary, Inspector, type ProfileSummary } from './cpu-profile.ts';
import { connectAll, limitOf, runSteps, type Step, sustained, type Transport } from './fanout-load.ts';

const profiles: ProfileSummary[] = [];

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const CLIENTS = arg('clients', 1000);
const SECONDS = arg('seconds', 4);
const PUBLISHERS = 40; // each connection may send 15 frames/s; 40 of them cover the top rate
const RATES = (flag('rates') ?? '2,5,10,20,40,70,100,150,200,300,400,600').split(',').map(Number);
const EDGE_PORT = arg('port', 8880);
const SIO_PORT = EDGE_PORT + 1;
const DIRECT = process.argv.includes('--direct');
const STOP_P99 = arg('stop-p99', 100);
/** Clients take the default `batch` frames (docs/rooms-protocol.md); `--no-batch` connects with batch=0: one frame per message. */
const BATCH = !process.argv.includes('--no-batch');
/** `--profile`: a V8 CPU profile of the Worker's isolate (the room) per step, through the inspector on port+2. */
const PROFILE = process.argv.includes('--profile');
/** Receiver processes the non-publishing clients are spread over (0: all in this one process, as before). */
const PROCS = arg('procs', 3);
const log = (s: string) => console.log(s);
/** Where wrangler dev keeps the room's SQLite; `--state-dir /dev/shm` takes the disk's fsync out of the picture. */
const STATE_DIR = realpathSync(flag('state-dir') ?? tmpdir());
const ONLY = flag('only');
const SHARD_ABOVE = arg('shard-above', 0);
const MAX_SHARDS = arg('max-shards', 4);

// Two sockets per client (ours and the server's) plus headroom: raise the soft limit or re-exec under a raised one.
const soft = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString());
if (soft < CLIENTS * 3 && !process.env.FANOUT_ULIMIT_RAISED) {
  const hard = execSync('ulimit -Hn', { shell: '/bin/sh' }).toString().trim();
  log(`raising ulimit -n from ${soft} to ${hard}`);
  const r = spawnSync(
    '/bin/sh',
    ['-c', `ulimit -n ${hard} && exec "$0" "$@"`, process.execPath, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, FANOUT_ULIMIT_RAISED: '1' },
    },
  );
  process.exit(r.status ?? 1);
}
log(`ulimit -n ${soft}; ${CLIENTS} clients, ${PUBLISHERS} of them publishing, ${SECONDS} s per step`);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
/** The file system under the state dir: tmpfs means the output gate never waits for a disk. */
const fsOf = (dir: string) => {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', dir]).toString().trim();
  } catch {
    return '?';
  }
};

/** Every process in the same process group as `pid` (wrangler starts its workerds in one group). */
const groupOf = (pid: number): number[] => {
  const pgid = (p: number) => Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
  const g = pgid(pid);
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (pgid(Number(d)) === g) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
};
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};
const portsOf = (pid: number): number[] => {
  try {
    const out = execFileSync('ss', ['-ltnpH']).toString();
    return out
      .split('\n')
      .filter((l) => l.includes(`pid=${pid},`))
      .map((l) => Number(/127\.0\.0\.1:(\d+)/.exec(l)?.[1]))
      .filter((p) => p > 0);
  } catch {
    return [];
  }
};

const pidOnPort = (port: number): number | null => {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`]).toString();
    return Number(/pid=(\d+)/.exec(out)?.[1]) || null;
  } catch {
    return null;
  }
};

async function benchEdgelive(): Promise<Step[]> {
  const persistTo = mkdtempSync(join(STATE_DIR, 'edgelive-bench-'));
  let worker: WorkerHandle | null = null;
  const closers: (() => void)[] = [];
  try {
    worker = await startWorker({ port: EDGE_PORT, persistTo, ...(PROFILE ? { inspectorPort: EDGE_PORT + 2 } : {}) });
    const w = worker;
    cleanups.push(() => w.stop());
    const demo = await seedDemo(worker.url);
    const res = await fetch(`${worker.url}/v1/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo.api_key.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'fanout bench',
        settings: {
          max_message_length: 200,
          // The bench's raw clients do not reconnect: sockets stay on the shard they joined.
          ...(SHARD_ABOVE
            ? { shard_above: SHARD_ABOVE, max_shards: MAX_SHARDS, shard_moves_per_second: 0 }
            : { max_shards: 0 }),
        },
      }),
    });
    const room = (await res.json()) as { id: string };
    const key = await importPKCS8(demo.signing_key.private_key, 'RS256');
    const token = (i: number) =>
      new SignJWT({ name: `user ${i}`, role: i < PUBLISHERS ? 'admin' : 'user' })
        .setProtectedHeader({ alg: 'RS256', kid: demo.signing_key.id })
        .setSubject(`u${i}`)
        .setAudience('chat')
        .setExpirationTime('2h')
        .sign(key);
    // The dev proxy listens on EDGE_PORT; the other workerd of wrangler's process group runs the
    // Worker and the room. CPU is reported for both so a step shows which one was busy.
    const proxyPid = pidOnPort(EDGE_PORT);
    const runtimePid = proxyPid
      ? (groupOf(proxyPid).find((p) => p !== proxyPid && cmdline(p).includes('workerd serve')) ?? null)
      : null;
    // The runtime listens on more than one port (entry and loopback): take the one that serves the API.
    let runtimePort: number | null = null;
    for (const p of runtimePid ? portsOf(runtimePid) : []) {
      const ok = await fetch(`http://127.0.0.1:${p}/v1/openapi.json`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) {
        runtimePort = p;
        break;
      }
    }
    const serverPids: Record<string, number> = {};
    if (runtimePid) serverPids.runtime = runtimePid;
    if (proxyPid) serverPids['dev-proxy'] = proxyPid;
    if (DIRECT && !runtimePort) throw new Error('--direct: could not find the runtime workerd port');
    const port = DIRECT ? runtimePort! : EDGE_PORT;
    log(`  clients ${BATCH ? 'take the default batch frames' : 'take one frame per message (--no-batch: batch=0)'}`);
    log(
      `  clients connect to ${DIRECT ? `the runtime workerd directly (127.0.0.1:${port}, pid ${runtimePid})` : `the wrangler dev proxy (127.0.0.1:${port}, pid ${proxyPid}), which relays to the runtime workerd (pid ${runtimePid ?? '?'})`}`,
    );
    const t: Transport = {
      name: 'edgelive',
      kind: 'edgelive',
      url: async (i) =>
        `ws://127.0.0.1:${port}/v1/rooms/${room.id}/ws?token=${await token(i)}${BATCH ? '' : '&batch=0'}`,
      frame: (n, text) => `{"type":"send","client_id":"g${n}","text":"${text}"}`,
    };
    const clients = await connectAll(t, CLIENTS, PUBLISHERS, PROCS, log);
    closers.push(clients.close);
    await new Promise((r) => setTimeout(r, 3000)); // let the join/presence traffic settle
    const live = (await (
      await fetch(`${worker.url}/v1/rooms/${room.id}`, { headers: { authorization: `Bearer ${demo.api_key.token}` } })
    ).json()) as { live: { connections: number; shards: Record<string, number> } };
    log(
      `  ${live.live.connections} sockets; ${SHARD_ABOVE ? `sharded past ${SHARD_ABOVE}: per edge shard ${JSON.stringify(live.live.shards)}` : 'one object (sharding off)'}`,
    );
    const inspector = PROFILE ? await Inspector.connect(EDGE_PORT + 2) : null;
    return await runSteps(t, clients, PUBLISHERS, RATES, {
      seconds: SECONDS,
      serverPids,
      log,
      stopP99: STOP_P99,
      ...(inspector
        ? {
            onStepStart: () => inspector.start(),
            onStepEnd: async () => {
              const summary = await inspector.stop();
              profiles.push(summary);
              for (const l of formatSummary(summary)) log(l);
            },
          }
        : {}),
    });
  } finally {
    for (const c of closers) c();
    await worker?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

async function benchSocketIo(): Promise<Step[]> {
  const child: ChildProcess = fork(join(ROOT, 'bench/socketio-server.ts'), [String(SIO_PORT)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(() => void child.kill('SIGTERM'));
  const closers: (() => void)[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`socket.io server exited ${code}`)));
    });
    const t: Transport = {
      name: 'socket.io',
      kind: 'socket.io',
      url: async (i) => `ws://127.0.0.1:${SIO_PORT}/socket.io/?EIO=4&transport=websocket&user=u${i}`,
      frame: (n, text) => `42["send",{"client_id":"g${n}","text":"${text}"}]`,
    };
    const clients = await connectAll(t, CLIENTS, PUBLISHERS, PROCS, log);
    closers.push(clients.close);
    await new Promise((r) => setTimeout(r, 1000));
    return await runSteps(t, clients, PUBLISHERS, RATES, {
      seconds: SECONDS,
      serverPids: child.pid ? { node: child.pid } : {},
      log,
      stopP99: STOP_P99,
    });
  } finally {
    for (const c of closers) c();
    child.kill('SIGTERM');
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, async () => {
    for (const c of cleanups) await c();
    process.exit(130);
  });
}

const started = Date.now();
const loadAtStart = load();
log(`load average at start: ${loadAtStart} (${execSync('nproc').toString().trim()} cores)`);
log(
  `\n== Edgelive (wrangler dev, ${SHARD_ABOVE ? `a primary RoomObject and up to ${MAX_SHARDS} edge shards past ${SHARD_ABOVE} sockets` : 'one RoomObject'}; local state in ${STATE_DIR}, a ${fsOf(STATE_DIR)} file system${flag('state-dir') ? ', from --state-dir' : ', the default tmpdir'})`,
);
const edge = ONLY === 'socket.io' ? [] : await benchEdgelive();
log('\n== Socket.IO 4 on Node (room broadcast)');
const sio = ONLY === 'edgelive' ? [] : await benchSocketIo();
const e = sustained(edge);
const s = sustained(sio);
log('\n== Summary');
log(`edgelive : sustained ${e.toFixed(0)} deliveries/s at p99 < 100 ms; limit: ${limitOf(edge)}`);
log(`socket.io: sustained ${s.toFixed(0)} deliveries/s at p99 < 100 ms; limit: ${limitOf(sio)}`);
log(`ratio edgelive / socket.io = ${s > 0 ? (e / s).toFixed(2) : 'n/a'}`);
// Socket.IO's clients talk to the Node process itself; with --direct Edgelive's talk to the runtime
// workerd itself, so that is the like-for-like comparison. Through wrangler dev's proxy every frame
// to every socket crosses a second workerd that Socket.IO has no counterpart of (in production
// Cloudflare's edge terminates the sockets; there is no such relay).
log(
  DIRECT
    ? 'connection: like for like (clients on the server process itself, for both)'
    : 'connection: NOT like for like: Edgelive through the wrangler dev proxy (a second workerd relaying every frame), Socket.IO direct; --direct is the like-for-like run',
);
const losses = (steps: Step[]) =>
  `lost ${steps.reduce((n, x) => n + x.lost, 0)}, duplicates ${steps.reduce((n, x) => n + x.duplicates, 0)}`;
log(
  `loss and duplicates over the steps that kept p99 < 100 ms: edgelive ${losses(edge.filter((x) => x.p99 < 100))}; socket.io ${losses(sio.filter((x) => x.p99 < 100))}`,
);
// The profile of the busiest step that still kept p99 under 100 ms: where the room's CPU went.
const best = edge.reduce(
  (b, x, i) => (x.p99 < 100 && (b < 0 || x.deliveredPerSec > edge[b]!.deliveredPerSec) ? i : b),
  -1,
);
if (profiles[best]) {
  log(`profile of the room's isolate at ${edge[best]!.rate} msg/s:`);
  for (const l of formatSummary(profiles[best]!)) log(l);
}
log(
  `state: ${STATE_DIR} (${fsOf(STATE_DIR)}); clients via ${DIRECT ? 'the runtime workerd directly' : 'the wrangler dev proxy'}; load average at start ${loadAtStart}, at end ${load()}`,
);
log(
  `(${((Date.now() - started) / 1000).toFixed(0)} s; 2 shared cores: generator, servers and other work compete for them)`,
);
process.exit(0);
