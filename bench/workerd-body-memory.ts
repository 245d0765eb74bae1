/**
 * The soak's workerd memory without our Worker, wrangler or miniflare: a 10-line Worker under plain
 * `workerd serve`, loaded the way the soak's viewers load ours (closed-loop clients fetching a
 * segment-sized body), RSS sampled every 10 s:
 *
 *   node bench/workerd-body-memory.ts [--seconds 60] [--clients 50] [--port 21511]
 *
 * Three runs, a fresh workerd each: `fresh` answers with a new ArrayBuffer per request, `shared`
 * with one buffer made at start (the runtime copies it into every response), and `shared` again
 * with V8 told to collect often (`--gc-interval`). The soak's Worker climbs to a plateau of about
 * 1.3 GB and wanders around it (docs/handbook/viewer-analytics-and-health.md); if `shared` does the
 * same here, that curve is the runtime's, not our code's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '50' },
    port: { type: 'string', default: '21511' },
  },
});
const SECONDS = Number(values.seconds);
const CLIENTS = Number(values.clients);
const PORT = Number(values.port);
const WORKERD = new URL('../node_modules/wrangler/node_modules/workerd/bin/workerd', import.meta.url).pathname;

const WORKER = `const SIZE = 150_000;
const SHARED = new Uint8Array(SIZE);
export default {
  fetch(req) {
    if (new URL(req.url).pathname === '/shared') return new Response(SHARED);
    return new Response(new Uint8Array(SIZE).buffer);
  },
};
`;
const config = (v8Flags: string[]) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .mini) ],
  v8Flags = [${v8Flags.map((f) => JSON.stringify(f)).join(', ')}],
  sockets = [ (name = "http", address = "127.0.0.1:${PORT}", http = (), service = "main") ]
);
const mini :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "2025-01-01",
);
`;

/** RSS in MB, or null once the process is gone. */
const rssMb = (pid: number) => {
  try {
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  } catch {
    return null;
  }
};

async function run(name: string, route: string, v8Flags: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgelive-workerd-mem-'));
  writeFileSync(path.join(dir, 'worker.js'), WORKER);
  writeFileSync(path.join(dir, 'config.capnp'), config(v8Flags));
  const child: ChildProcess = spawn(WORKERD, ['serve', 'config.capnp'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  const url = `http://127.0.0.1:${PORT}${route}`;
  try {
    for (let i = 0; i < 100 && !(await fetch(url).catch(() => null))?.ok; i++)
      await new Promise((r) => setTimeout(r, 100));
    let requests = 0;
    let stop = false;
    const clients = Array.from({ length: CLIENTS }, async () => {
      while (!stop) {
        const r = await fetch(url).catch(() => null);
        if (r) await r.arrayBuffer();
        requests++;
      }
    });
    const series: (number | null)[] = [rssMb(child.pid!)];
    for (let t = 10; t <= SECONDS; t += 10) {
      await new Promise((r) => setTimeout(r, 10_000));
      series.push(rssMb(child.pid!));
    }
    stop = true;
    await Promise.all(clients);
    if (series.includes(null)) throw new Error(`workerd exited during the run:\n${stderr}`);
    console.log(`${name.padEnd(28)} ${String(requests).padStart(7)} requests  RSS MB every 10 s: ${series.join(' ')}`);
  } finally {
    // Gone before the next run binds the same port.
    child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`plain workerd serve, ${CLIENTS} closed-loop clients, 150 kB bodies, ${SECONDS} s each`);
await run('fresh ArrayBuffer', '/', []);
await run('shared buffer', '/shared', []);
await run('shared buffer, --gc-interval', '/shared', ['--gc-interval=2000']);
console.log(`load average ${loadavg()[0]!.toFixed(1)}`);
