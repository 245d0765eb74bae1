import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';

/**
 * The load generator shared by both servers: N raw WebSocket clients in one room, P of them
 * publishing at a steady total rate. Latency comes from a send timestamp carried in each
 * message's text (`b|<n>|<ms>`), read with a string search instead of JSON.parse so the generator
 * does the same (small) work per frame for either server.
 */

export interface Transport {
  name: string;
  url: (i: number) => Promise<string>;
  /** Called as soon as the socket exists (before it opens, so no early frame is missed); resolves once it has joined the room. */
  join: (ws: WebSocket) => Promise<void>;
  frame: (n: number, text: string) => string;
  /** Engine.IO needs its pings answered. */
  onRaw?: (ws: WebSocket, data: string) => void;
}

export interface Step {
  rate: number;
  sent: number;
  achievedRate: number;
  deliveredPerSec: number;
  p50: number;
  p99: number;
  lost: number;
  duplicates: number;
  genCpu: number;
  serverCpu: number | null;
  loopDelayP99: number;
}

const MAX_MESSAGES = 40_000;
/** Every 10th client's latencies are kept: the percentiles stay exact enough, the generator stays light. */
const SAMPLE_EVERY = 10;

interface Client {
  ws: WebSocket;
  seen: Uint8Array;
  sampled: boolean;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref())]);

export async function connectAll(t: Transport, n: number, log: (s: string) => void): Promise<Client[]> {
  const clients: Client[] = [];
  const batch = 50;
  for (let i = 0; i < n; i += batch) {
    const made = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async (_, k) => {
        const ws = new WebSocket(await t.url(i + k), { perMessageDeflate: false });
        const joined = t.join(ws);
        await new Promise<void>((resolve, reject) => {
          ws.once('open', () => resolve());
          ws.once('error', reject);
        });
        await withTimeout(joined, 30_000, `client ${i + k} did not join`);
        return { ws, seen: new Uint8Array(MAX_MESSAGES), sampled: (i + k) % SAMPLE_EVERY === 0 };
      }),
    );
    clients.push(...made);
    if ((i + batch) % 250 === 0) log(`  ${t.name}: ${i + batch} connected`);
  }
  return clients;
}

export function cpuOf(pid: number | null): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks (100/s) to ms
  } catch {
    return null;
  }
}

export async function runSteps(
  t: Transport,
  clients: Client[],
  publishers: number,
  rates: number[],
  opts: { seconds: number; serverPid: number | null; log: (s: string) => void },
): Promise<Step[]> {
  let next = 0;
  let latencies: number[] = [];
  let stepFrom = 0;
  let delivered = 0;
  let duplicates = 0;
  let closed = 0;
  const errors = new Map<string, number>();
  for (const c of clients) {
    c.ws.on('close', () => closed++);
    c.ws.on('message', (buf: Buffer) => {
      const s = buf.toString();
      t.onRaw?.(c.ws, s);
      if (s.startsWith('{"type":"error"')) {
        const code = /"code":"(\w+)"/.exec(s)?.[1] ?? '?';
        errors.set(code, (errors.get(code) ?? 0) + 1);
      }
      const at = s.indexOf('"b|');
      if (at < 0 || s.startsWith('{"type":"ack"')) return;
      const end = s.indexOf('"', at + 3);
      const [n, ts] = s.slice(at + 3, end).split('|');
      const k = Number(n);
      if (c.seen[k]) {
        duplicates++;
        return;
      }
      c.seen[k] = 1;
      if (k >= stepFrom) delivered++;
      if (c.sampled) latencies.push(performance.now() - Number(ts));
    });
  }
  const steps: Step[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let retried = false;
  for (let r = 0; r < rates.length; r++) {
    const rate = rates[r]!;
    if (next + rate * opts.seconds >= MAX_MESSAGES) break;
    latencies = [];
    delivered = 0;
    duplicates = 0;
    stepFrom = next;
    loop.reset();
    loop.enable();
    const cpu0 = process.cpuUsage();
    const srv0 = cpuOf(opts.serverPid);
    const t0 = performance.now();
    const end = t0 + opts.seconds * 1000;
    let owed = 0;
    let last = t0;
    let pub = 0;
    // A 5 ms tick sends what the rate owes since the last tick, round-robin over the publishers.
    while (performance.now() < end) {
      const now = performance.now();
      owed += ((now - last) / 1000) * rate;
      last = now;
      while (owed >= 1) {
        owed--;
        const n = next++;
        clients[pub]!.ws.send(t.frame(n, `b|${n}|${performance.now().toFixed(3)}`));
        pub = (pub + 1) % publishers;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const sendWall = performance.now() - t0;
    const sent = next - stepFrom;
    // Drain: wait until deliveries stop growing (or 5 s), so a slow server shows as latency, not loss.
    const expected = sent * (clients.length - 1);
    for (let i = 0, prev = -1; i < 50 && delivered < expected && delivered !== prev; i++) {
      prev = delivered;
      await new Promise((r) => setTimeout(r, 100));
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const srv1 = cpuOf(opts.serverPid);
    loop.disable();
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
    const step: Step = {
      rate,
      sent,
      achievedRate: sent / (sendWall / 1000),
      deliveredPerSec: delivered / (sendWall / 1000),
      p50: pct(0.5),
      p99: pct(0.99),
      lost: expected - delivered,
      duplicates,
      genCpu: ((cpu.user + cpu.system) / 1000 / wall) * 100,
      serverCpu: srv0 !== null && srv1 !== null ? ((srv1 - srv0) / wall) * 100 : null,
      loopDelayP99: loop.percentile(99) / 1e6,
    };
    steps.push(step);
    opts.log(
      `  ${t.name.padEnd(9)} ${String(rate).padStart(4)} msg/s target | sent ${step.achievedRate.toFixed(0).padStart(4)}/s | delivered ${step.deliveredPerSec.toFixed(0).padStart(7)}/s | p50 ${step.p50.toFixed(1).padStart(6)} ms | p99 ${step.p99.toFixed(1).padStart(7)} ms | lost ${step.lost} dup ${step.duplicates} | generator CPU ${step.genCpu.toFixed(0)}% loop p99 ${step.loopDelayP99.toFixed(0)} ms | server CPU ${step.serverCpu === null ? '?' : `${step.serverCpu.toFixed(0)}%`}`,
    );
    if (step.p99 > 100 || Number.isNaN(step.p99)) {
      // The machine is shared: one bad step may be someone else's burst. Run it once more before calling it the limit.
      if (retried) break;
      retried = true;
      opts.log('  (p99 over 100 ms: running this rate once more to tell noise from the limit)');
      await new Promise((res) => setTimeout(res, 1000));
      r--;
      continue;
    }
    retried = false;
  }
  return steps;
}

/** The best delivery rate over the steps that kept p99 under 100 ms without losing messages. */
export const sustained = (steps: Step[]) =>
  steps.filter((s) => s.p99 < 100 && s.lost === 0).reduce((m, s) => Math.max(m, s.deliveredPerSec), 0);

/** Whose limit the last step hit: the generator if it could not keep its rate or its loop stalled. */
export function limitOf(steps: Step[]): string {
  const last = steps[steps.length - 1];
  if (!last) return 'no steps ran';
  if (last.p99 <= 100) return 'not reached (the rate schedule ended first)';
  const gen = last.achievedRate < last.rate * 0.9 || last.genCpu > 85 || last.loopDelayP99 > 50;
  return gen
    ? `the generator (it ran at ${last.genCpu.toFixed(0)}% of a core, loop delay p99 ${last.loopDelayP99.toFixed(0)} ms, sent ${last.achievedRate.toFixed(0)} of ${last.rate}/s)`
    : `the server (generator at ${last.genCpu.toFixed(0)}% of a core, keeping its rate)`;
}
