import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { clock, type Kind, MAX_MESSAGES, openClient, Tally, type TallyReport } from './fanout-receive.ts';

/**
 * The load generator shared by both servers: N raw WebSocket clients in one room, P of them
 * publishing at a steady total rate. Latency comes from a send timestamp carried in each
 * message's text (`b|<n>|<ms>`). The publishers live in this process; the other clients are spread
 * over `procs` receiver processes (fanout-receivers.ts), so receiving is not what limits the faster
 * server on a machine with cores to spare.
 */

export interface Transport {
  name: string;
  kind: Kind;
  url: (i: number) => Promise<string>;
  frame: (n: number, text: string) => string;
}

/** A receiver process and its share of the clients. */
interface Group {
  child: ChildProcess;
  request: <T>(m: Record<string, unknown>, answer: string) => Promise<T>;
}

export interface Clients {
  /** Every client, in all processes. */
  n: number;
  /** The publishers (they receive too), in this process. */
  local: { ws: WebSocket }[];
  groups: Group[];
  close: () => void;
}

/** Every 10th client's latencies are kept: the percentiles stay exact enough, the generator stays light. */
const SAMPLE_EVERY = 10;

function spawnGroup(): Group {
  const child = fork(new URL('./fanout-receivers.ts', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const request = <T>(m: Record<string, unknown>, answer: string) =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      const on = (r: { cmd: string; id?: number; error?: string }) => {
        if (r.cmd === 'failed') reject(new Error(r.error));
        if (r.cmd !== answer || (r.id !== undefined && r.id !== id)) return;
        child.off('message', on);
        resolve(r as T);
      };
      child.on('message', on);
      child.send({ ...m, id });
    });
  return { child, request };
}

export async function connectAll(
  t: Transport,
  n: number,
  publishers: number,
  procs: number,
  log: (s: string) => void,
): Promise<Clients & { tally: Tally }> {
  const tally = new Tally();
  const local: { ws: WebSocket }[] = [];
  const rest = procs > 0 ? publishers : n;
  for (let i = 0; i < rest; i += 50) {
    const made = await Promise.all(
      Array.from({ length: Math.min(50, rest - i) }, async (_, k) => {
        const ws = await openClient(t.kind, await t.url(i + k), `client ${i + k}`);
        tally.attach(t.kind, ws, (i + k) % SAMPLE_EVERY === 0);
        return { ws };
      }),
    );
    local.push(...made);
  }
  const groups: Group[] = [];
  if (procs > 0) {
    const ids = Array.from({ length: n - publishers }, (_, k) => publishers + k);
    const shares = Array.from({ length: procs }, (_, g) => ids.filter((_, k) => k % procs === g));
    await Promise.all(
      shares.map(async (share) => {
        const g = spawnGroup();
        groups.push(g);
        const urls = await Promise.all(share.map((i) => t.url(i)));
        await g.request(
          { cmd: 'connect', kind: t.kind, urls, sampled: share.map((i) => i % SAMPLE_EVERY === 0) },
          'connected',
        );
      }),
    );
  }
  log(
    `  ${t.name}: ${n} connected (${local.length} in the generator, ${n - local.length} over ${groups.length} receiver processes)`,
  );
  const close = () => {
    for (const c of local) c.ws.terminate();
    for (const g of groups) g.child.send({ cmd: 'close' });
  };
  return { n, local, groups, close, tally };
}

export interface Step {
  rate: number;
  sent: number;
  achievedRate: number;
  deliveredPerSec: number;
  p50: number;
  p99: number;
  /** Send to the author's ack: the inbound path, the insert and its commit (the output gate), without the fan-out. */
  ackP50: number;
  ackP99: number;
  lost: number;
  duplicates: number;
  genCpu: number;
  /** Percent of one core per server process over the step (the room's runtime, and any dev proxy in front of it). */
  serverCpu: Record<string, number> | null;
  /** Percent of the step each server process spent runnable but without a core (starved by other work). */
  serverWait: Record<string, number> | null;
  loopDelayP99: number;
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

/**
 * Time the process's threads spent runnable but waiting for a core (ms, from /proc/PID/schedstat's
 * second field, summed over threads). On a machine shared with other work, a server can show low
 * CPU while it is starved rather than idle; this is what tells the two apart.
 */
export function runQueueWaitOf(pid: number): number | null {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
    }
    return ns / 1e6;
  } catch {
    return null;
  }
}

/** CPU of several named processes, in ms, so a step can say which one was busy. */
const cpuOfAll = (pids: Record<string, number>) =>
  Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuOf(pid)]));
const waitOfAll = (pids: Record<string, number>) =>
  Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, runQueueWaitOf(pid)]));

export async function runSteps(
  t: Transport,
  clients: Clients & { tally: Tally },
  publishers: number,
  rates: number[],
  opts: {
    seconds: number;
    serverPids: Record<string, number>;
    log: (s: string) => void;
    stopP99?: number;
    /** Around each step's sending (a CPU profile of the server). */
    onStepStart?: (rate: number) => Promise<void>;
    onStepEnd?: (rate: number) => Promise<void>;
  },
): Promise<Step[]> {
  let next = 0;
  const { tally, groups } = clients;
  /** Every process's tally for the step, summed. */
  const collect = async (): Promise<TallyReport> => {
    const parts = [
      tally.report(),
      ...(await Promise.all(groups.map((g) => g.request<{ report: TallyReport }>({ cmd: 'report' }, 'report')))).map(
        (r) => r.report,
      ),
    ];
    return {
      delivered: parts.reduce((n, p) => n + p.delivered, 0),
      duplicates: parts.reduce((n, p) => n + p.duplicates, 0),
      latencies: parts.flatMap((p) => p.latencies),
      ackLatencies: parts.flatMap((p) => p.ackLatencies),
      errors: parts.flatMap((p) => p.errors),
      closed: parts.reduce((n, p) => n + p.closed, 0),
    };
  };
  const genPids = [process.pid, ...groups.map((g) => g.child.pid!)];
  const steps: Step[] = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let retried = false;
  for (let r = 0; r < rates.length; r++) {
    const rate = rates[r]!;
    if (next + rate * opts.seconds >= MAX_MESSAGES) break;
    const stepFrom = next;
    tally.reset(stepFrom);
    await Promise.all(groups.map((g) => g.request({ cmd: 'reset', stepFrom }, 'reset')));
    await opts.onStepStart?.(rate);
    loop.reset();
    loop.enable();
    const cpu0 = genPids.map(cpuOf);
    const srv0 = cpuOfAll(opts.serverPids);
    const wait0 = waitOfAll(opts.serverPids);
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
        clients.local[pub]!.ws.send(t.frame(n, `b|${n}|${clock().toFixed(3)}`));
        pub = (pub + 1) % publishers;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const sendWall = performance.now() - t0;
    const sent = next - stepFrom;
    // Drain: wait until deliveries stop growing (or 5 s), so a slow server shows as latency, not loss.
    const expected = sent * (clients.n - 1);
    let got = await collect();
    for (let i = 0, prev = -1; i < 50 && got.delivered < expected && got.delivered !== prev; i++) {
      prev = got.delivered;
      await new Promise((r) => setTimeout(r, 100));
      got = await collect();
    }
    const wall = performance.now() - t0;
    const cpu1 = genPids.map(cpuOf);
    // The busiest generator process, in percent of one core: the one that would run out first.
    const genCpu = Math.max(...cpu1.map((c, i) => (c !== null && cpu0[i] != null ? ((c - cpu0[i]!) / wall) * 100 : 0)));
    const { delivered, duplicates } = got;
    const latencies = got.latencies;
    const ackLatencies = got.ackLatencies;
    await opts.onStepEnd?.(rate);
    const srv1 = cpuOfAll(opts.serverPids);
    const wait1 = waitOfAll(opts.serverPids);
    loop.disable();
    latencies.sort((a, b) => a - b);
    ackLatencies.sort((a, b) => a - b);
    const pctOf = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;
    const pct = (p: number) => pctOf(latencies, p);
    const step: Step = {
      rate,
      sent,
      achievedRate: sent / (sendWall / 1000),
      deliveredPerSec: delivered / (sendWall / 1000),
      p50: pct(0.5),
      p99: pct(0.99),
      ackP50: pctOf(ackLatencies, 0.5),
      ackP99: pctOf(ackLatencies, 0.99),
      lost: expected - delivered,
      duplicates,
      genCpu,
      serverCpu: Object.keys(srv1).length
        ? Object.fromEntries(
            Object.entries(srv1).map(([k, v]) => [
              k,
              v !== null && srv0[k] != null ? ((v - srv0[k]!) / wall) * 100 : NaN,
            ]),
          )
        : null,
      serverWait: Object.keys(wait1).length
        ? Object.fromEntries(
            Object.entries(wait1).map(([k, v]) => [
              k,
              v !== null && wait0[k] != null ? ((v - wait0[k]!) / wall) * 100 : NaN,
            ]),
          )
        : null,
      loopDelayP99: loop.percentile(99) / 1e6,
    };
    steps.push(step);
    opts.log(
      `  ${t.name.padEnd(9)} ${String(rate).padStart(4)} msg/s target | sent ${step.achievedRate.toFixed(0).padStart(4)}/s | delivered ${step.deliveredPerSec.toFixed(0).padStart(7)}/s | p50 ${step.p50.toFixed(1).padStart(6)} ms | p99 ${step.p99.toFixed(1).padStart(7)} ms | ack p50/p99 ${Number.isNaN(step.ackP50) ? 'n/a' : `${step.ackP50.toFixed(1)}/${step.ackP99.toFixed(1)} ms`} | lost ${step.lost} dup ${step.duplicates} | generator CPU ${step.genCpu.toFixed(0)}% loop p99 ${step.loopDelayP99.toFixed(0)} ms | server CPU ${
        step.serverCpu === null
          ? '?'
          : Object.entries(step.serverCpu)
              .map(([k, v]) => `${k} ${v.toFixed(0)}% (waited ${step.serverWait?.[k]?.toFixed(0) ?? '?'}% for a core)`)
              .join(' ')
      }`,
    );
    // --stop-p99 lets a run go past 100 ms to show how latency grows; `sustained` still uses 100 ms.
    if (step.p99 > (opts.stopP99 ?? 100) || Number.isNaN(step.p99)) {
      // The machine is shared: one bad step may be someone else's burst. Run it once more before calling it the limit.
      if (retried) break;
      retried = true;
      opts.log(`  (p99 over ${opts.stopP99 ?? 100} ms: running this rate once more to tell noise from the limit)`);
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
  // Compared as counts with one message of slack: at 2 msg/s a step sends a handful, and rounding
  // alone would otherwise read as a generator that could not keep up.
  const behind = last.sent < (last.achievedRate > 0 ? last.rate * (last.sent / last.achievedRate) * 0.9 - 1 : 1);
  const gen = behind || last.genCpu > 85 || last.loopDelayP99 > 50;
  // A server that spent more of the step waiting for a core than running was starved by the machine.
  const starved = Object.entries(last.serverWait ?? {}).find(([k, w]) => w > 5 && w > (last.serverCpu?.[k] ?? 0));
  if (!gen && starved)
    return `the cores as much as the server: its ${starved[0]} process spent longer waiting for a core (${starved[1].toFixed(0)}% of the step) than running (${last.serverCpu?.[starved[0]]?.toFixed(0) ?? '?'}%), so the machine was oversubscribed (generator, servers and other work)`;
  return gen
    ? `the generator (it ran at ${last.genCpu.toFixed(0)}% of a core, loop delay p99 ${last.loopDelayP99.toFixed(0)} ms, sent ${last.achievedRate.toFixed(0)} of ${last.rate}/s)`
    : `the server (generator at ${last.genCpu.toFixed(0)}% of a core, keeping its rate; server CPU ${
        last.serverCpu
          ? Object.entries(last.serverCpu)
              .map(
                ([k, v]) =>
                  `${k} ${v.toFixed(0)}% busy, ${last.serverWait?.[k]?.toFixed(0) ?? '?'}% waiting for a core`,
              )
              .join(', ')
          : '?'
      })`;
}
