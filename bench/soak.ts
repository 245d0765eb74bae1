/**
 * A soak of the whole stack (wrangler dev, NGINX-RTMP + FFmpeg under the origin agent as its own
 * process, chat sockets and HLS viewers from here):
 *
 *   node bench/soak.ts [--minutes 30] [--warmup 5] [--sockets 500] [--chat-every-s 60] [--viewers 50] [--port 20340]
 *
 * One live stream (a test pattern), `sockets` chat sockets in its room each sending a message every
 * `chat-every-s` (spread out), one more socket that counts what it receives, `viewers` HLS
 * viewers polling the media playlist (closed loop, at most once a second) and fetching each new
 * segment, and an auditor reading the playlist every second for sequence gaps. Every minute the
 * RSS and open fds of the origin agent, NGINX, FFmpeg, the Worker's workerd and wrangler dev's
 * proxy workerd are sampled from /proc. Goal: after the warm-up, RSS growth ≤ 10 % and fds flat;
 * no segment missing from the sequence, no segment fetch refused, no chat message unacknowledged
 * or undelivered. Prints the series and the verdict (docs/handbook/viewer-analytics-and-health.md).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { importPKCS8, SignJWT } from 'jose';
import { devOriginSecrets, until } from '../e2e/harness/live.ts';
import { startTestStack } from '../e2e/harness/stack.ts';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import { processTree, sum } from './lib/proc-sample.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    sockets: { type: 'string', default: '500' },
    'chat-every-s': { type: 'string', default: '60' },
    viewers: { type: 'string', default: '50' },
    // The Worker's port; the RTMP server and the agent take the next two.
    port: { type: 'string', default: '20340' },
  },
});
const MINUTES = Number(values.minutes);
const WARMUP = Math.min(Number(values.warmup), Math.max(0, MINUTES - 1));
const SOCKETS = Number(values.sockets);
const CHAT_EVERY_MS = Number(values['chat-every-s']) * 1000;
const VIEWERS = Number(values.viewers);
const BASE = Number(values.port);
const PORTS = { worker: BASE, rtmp: BASE + 1, agent: BASE + 2 };

const stack = await startTestStack({ port: PORTS.worker });
const runtimeDir = mkdtempSync(path.join(tmpdir(), 'edgelive-soak-origin-'));
let origin: ChildProcess | null = null;
let publisher: ChildProcess | null = null;
const timers: NodeJS.Timeout[] = [];
let stopping = false;
let chatDone = false;
try {
  origin = spawn(
    process.execPath,
    [
      'origin/src/main.ts',
      '--origin-id',
      'orig_local',
      '--worker-url',
      stack.worker.url,
      '--rtmp-host',
      '127.0.0.1',
      '--rtmp-port',
      String(PORTS.rtmp),
      '--http-port',
      String(PORTS.agent),
      '--runtime-dir',
      runtimeDir,
    ],
    {
      env: { ...process.env, EDGELIVE_ORIGIN_SECRET: devOriginSecrets().orig_local },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await until(
    'the origin agent',
    async () => (await fetch(`http://127.0.0.1:${PORTS.agent}/healthz`).catch(() => null))?.ok,
    30_000,
  );

  const s = await stack.api.call<{ id: string; stream_key: string; room_id: string; playback_ids: { id: string }[] }>(
    'POST',
    '/v1/streams',
    { playback_policies: ['public'], ladder: ['source'], latency_mode: 'low' },
  );
  const pb = s.playback_ids[0]!.id;
  publisher = startTestPublisher(`rtmp://127.0.0.1:${PORTS.rtmp}/live/${s.stream_key}`, {
    size: '640x360',
    seconds: MINUTES * 60 + 120,
  });
  const master = await until(
    'the master playlist',
    async () => {
      const r = await fetch(`${stack.worker.url}/hls/${pb}.m3u8`);
      const t = r.ok ? await r.text() : '';
      return t.includes('#EXT-X-STREAM-INF') ? t : null;
    },
    60_000,
  );
  const mediaUrl = new URL(
    master
      .split('\n')
      .find((l) => l && !l.startsWith('#'))!
      .trim(),
    `${stack.worker.url}/hls/`,
  ).href;

  // --- chat: SOCKETS senders and one listener that counts deliveries ---
  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  const token = (sub: string) =>
    new SignJWT({ sub, aud: 'chat', name: sub })
      .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
      .setExpirationTime(Math.floor(Date.now() / 1000) + MINUTES * 60 + 3600)
      .sign(key);
  const chat = { sent: 0, acked: 0, delivered: 0, errors: 0, closed: 0 };
  const wsUrl = (t: string) => `${stack.worker.url.replace(/^http/, 'ws')}/v1/rooms/${s.room_id}/ws?token=${t}`;
  const listener = new WebSocket(wsUrl(await token('soak-listener')));
  listener.addEventListener('message', (e) => {
    const f = JSON.parse(String(e.data)) as { type: string; frames?: { type: string }[] };
    for (const x of f.type === 'batch' ? (f.frames ?? []) : [f]) if (x.type === 'message') chat.delivered++;
  });
  const sockets: WebSocket[] = [];
  for (let i = 0; i < SOCKETS; i++) {
    const ws = new WebSocket(wsUrl(await token(`soak-${i}`)));
    ws.addEventListener('message', (e) => {
      const f = JSON.parse(String(e.data)) as { type: string; frames?: { type: string }[] };
      // An ack may leave inside a tick's `batch` (docs/rooms-protocol.md).
      for (const x of f.type === 'batch' ? (f.frames ?? []) : [f]) {
        if (x.type === 'ack') chat.acked++;
        if (x.type === 'error') chat.errors++;
      }
    });
    ws.addEventListener('close', () => !stopping && chat.closed++);
    sockets.push(ws);
    let n = 0;
    const send = () => {
      if (chatDone || ws.readyState !== WebSocket.OPEN) return;
      chat.sent++;
      ws.send(JSON.stringify({ type: 'send', client_id: `s${i}-${n++}`, text: `soak ${i} ${n}` }));
    };
    // Spread evenly over the period, so the room sees a steady rate.
    timers.push(setTimeout(() => timers.push(setInterval(send, CHAT_EVERY_MS)), (CHAT_EVERY_MS * i) / SOCKETS));
  }

  // --- HLS viewers, and an auditor of the sequence ---
  // Closed loop, like hls.js: a viewer asks for the playlist again only after the previous poll
  // (playlist and its new segments) is done, at most once a second. An open-loop poller (a new
  // request every second whatever the last one did) piles up requests as soon as the Worker
  // falls behind; under wrangler dev every request in flight holds sockets in its proxy workerd,
  // which is what ran out of file descriptors in the first soak (see the handbook).
  const hls = { segments: 0, errors: 0, timeouts: 0, gaps: 0, lastSeq: -1, polls: 0, slowPolls: 0, auditMisses: 0 };
  const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(10_000) });
  for (let v = 0; v < VIEWERS; v++) {
    const seen = new Set<string>();
    const poll = async () => {
      try {
        const text = await (await get(mediaUrl)).text();
        const uris = text.split('\n').filter((l) => l && !l.startsWith('#'));
        for (const u of uris) {
          if (seen.has(u)) continue;
          const r = await get(new URL(u, mediaUrl).href);
          await r.arrayBuffer();
          // Only a fetched segment is done: one that failed or timed out is asked for again.
          if (r.ok) {
            hls.segments++;
            seen.add(u);
          } else hls.errors++;
        }
        if (seen.size > 200) seen.clear();
      } catch (err) {
        if ((err as Error).name === 'TimeoutError') hls.timeouts++;
        else hls.errors++;
      }
    };
    const loop = async () => {
      while (!stopping) {
        const t0 = Date.now();
        await poll();
        hls.polls++;
        const took = Date.now() - t0;
        if (took > 1000) hls.slowPolls++;
        await new Promise((r) => setTimeout(r, Math.max(0, 1000 - took)));
      }
    };
    // Started spread over a second, as viewers arriving would be.
    timers.push(setTimeout(() => void loop(), (1000 * v) / VIEWERS));
  }
  // The auditor reads only the playlist, every second, so it never falls behind the window (a
  // viewer fetching segments on a slow machine can, and would report segments it merely missed):
  // a sequence number that never appeared in any playlist is a segment the stream lost.
  const audit = async () => {
    while (!stopping) {
      const t0 = Date.now();
      try {
        const text = await (await get(mediaUrl)).text();
        const seq = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)?.[1] ?? 0);
        const n = text.split('\n').filter((l) => l && !l.startsWith('#')).length;
        if (hls.lastSeq >= 0 && seq > hls.lastSeq + 1) hls.gaps += seq - hls.lastSeq - 1;
        hls.lastSeq = Math.max(hls.lastSeq, seq + n - 1);
      } catch {
        hls.auditMisses++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - t0))));
    }
  };
  void audit();

  // --- the series ---
  // wrangler dev runs two workerd processes: the Worker itself and a proxy in front of it (its
  // entry socket is the port clients connect to). Production has no such proxy, so they are
  // reported apart: the proxy's sockets are what ran out in the first soak.
  type Row = Record<'agent' | 'nginx' | 'ffmpeg' | 'workerd' | 'proxy', { rssKb: number; fds: number }>;
  const isProxy = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`entry=127.0.0.1:${PORTS.worker}\0`);
    } catch {
      return false;
    }
  };
  const rows: Row[] = [];
  const sample = (): Row => {
    const ours = processTree(process.pid);
    const originTree = processTree(origin!.pid!);
    return {
      agent: sum(originTree, (p) => p.pid === origin!.pid),
      nginx: sum(originTree, (p) => p.comm === 'nginx'),
      ffmpeg: sum(originTree, (p) => p.comm === 'ffmpeg'),
      workerd: sum(ours, (p) => p.comm === 'workerd' && !isProxy(p.pid)),
      proxy: sum(ours, (p) => p.comm === 'workerd' && isProxy(p.pid)),
    };
  };
  const mb = (kb: number) => (kb / 1024).toFixed(0).padStart(5);
  console.log(
    `soak: ${MINUTES} min (warm-up ${WARMUP}), ${SOCKETS} chat sockets every ${CHAT_EVERY_MS / 1000} s, ${VIEWERS} HLS viewers`,
  );
  console.log(
    'min | agent MB fds | nginx MB fds | ffmpeg MB fds | workerd MB fds | wrangler proxy MB fds | chat sent/acked/delivered | segments errors',
  );
  for (let m = 0; m <= MINUTES; m++) {
    if (m > 0) await new Promise((r) => setTimeout(r, 60_000));
    const r = sample();
    rows.push(r);
    const c = (k: keyof Row) => `${mb(r[k].rssKb)} ${String(r[k].fds).padStart(4)}`;
    console.log(
      `${String(m).padStart(3)} | ${c('agent')} | ${c('nginx')} | ${c('ffmpeg')} | ${c('workerd')} | ${c('proxy')} | ${chat.sent}/${chat.acked}/${chat.delivered} | ${hls.segments} ${hls.errors}`,
    );
  }

  // Stop sending, then let the last messages be acknowledged and arrive before counting.
  chatDone = true;
  await new Promise((r) => setTimeout(r, 5000));
  const after = rows.slice(WARMUP);
  console.log(`after the warm-up (minute ${WARMUP} to ${MINUTES}):`);
  let ok = true;
  for (const k of ['agent', 'nginx', 'ffmpeg', 'workerd', 'proxy'] as const) {
    const first = after[0]![k];
    const last = after.at(-1)![k];
    const growth = first.rssKb ? (last.rssKb - first.rssKb) / first.rssKb : 0;
    const fds = after.map((r) => r[k].fds);
    // Flat: no trend. The least-squares slope over the minutes after the warm-up, times their
    // span, within 8 descriptors or 3 % of the mean. Connection pools (the agent's to the Worker,
    // the proxy's to the Worker and the viewers') open and close connections as requests come
    // and go, so single samples wander; a leak climbs every minute, as the first soak's did by
    // thousands a minute.
    const mean = fds.reduce((a, b) => a + b, 0) / fds.length;
    const xm = (fds.length - 1) / 2;
    const slope =
      fds.reduce((a, y, x) => a + (x - xm) * (y - mean), 0) / (fds.reduce((a, _, x) => a + (x - xm) ** 2, 0) || 1);
    const drift = slope * (fds.length - 1);
    const tolerance = Math.max(8, mean * 0.03);
    // What a leak does is climb: a count that fell (connections closed) passes, and says so.
    const flat = drift <= tolerance;
    ok &&= growth <= 0.1 && flat;
    console.log(
      `  ${k.padEnd(7)} RSS ${mb(first.rssKb)} -> ${mb(last.rssKb)} MB (${(growth * 100).toFixed(1)} %), fds ${Math.min(...fds)}..${Math.max(...fds)} (trend ${drift >= 0 ? '+' : ''}${drift.toFixed(0)})${!flat ? ' GREW' : drift < -tolerance ? ' fell' : ' flat'}`,
    );
  }
  const undelivered = chat.acked - chat.delivered;
  console.log(
    `  chat: ${chat.sent} sent, ${chat.acked} acknowledged, ${chat.delivered} delivered to the listener, ${chat.errors} refused, ${chat.closed} sockets closed`,
  );
  console.log(
    `  hls: ${hls.polls} polls (${hls.slowPolls} over 1 s), ${hls.segments} segments fetched, ${hls.errors} errors, ${hls.timeouts} timeouts, ${hls.gaps} sequence gaps seen by the auditor (${hls.auditMisses} of its reads failed)`,
  );
  // What workerd itself said went wrong (wrangler prints the Worker's uncaught errors).
  const logs = stack.worker.logs();
  const count = (re: RegExp) => logs.match(re)?.length ?? 0;
  const workerErrors = {
    hung: count(/code had hung/g),
    neverComplete: count(/Promise will never complete/g),
    emfile: count(/Too many open files/g),
  };
  console.log(
    `  workerd: ${workerErrors.hung} requests cancelled as hung, ${workerErrors.neverComplete} "promise will never complete", ${workerErrors.emfile} "too many open files"`,
  );
  ok &&=
    chat.sent === chat.acked &&
    undelivered === 0 &&
    chat.closed === 0 &&
    hls.gaps === 0 &&
    hls.errors === 0 &&
    workerErrors.emfile === 0;
  // Timeouts and slow polls are capacity (this machine's cores are shared), not loss: they are
  // printed, and a viewer that timed out fetches the segment again on its next poll.
  console.log(
    `  capacity: ${hls.timeouts} fetches over 10 s, ${hls.slowPolls} of ${hls.polls} polls over 1 s (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  console.log(ok ? 'PASS: within the goals' : 'FAIL: outside the goals (see above)');
  for (const w of sockets) w.close(1000, 'done');
  listener.close(1000, 'done');
} finally {
  stopping = true;
  for (const t of timers) clearInterval(t);
  publisher?.kill('SIGKILL');
  if (publisher) await waitExit(publisher);
  if (origin) {
    origin.kill('SIGTERM');
    await Promise.race([waitExit(origin), new Promise((r) => setTimeout(r, 45_000))]);
    origin.kill('SIGKILL');
  }
  await stack.stop();
  rmSync(runtimeDir, { recursive: true, force: true });
}
