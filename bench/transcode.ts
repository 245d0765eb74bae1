/**
 * Transcode benchmark: one 1080p30 H.264/AAC source through the default ladder (source copy +
 * 720p, 480p, 360p; a 1080p rung beside a 1080p source is never encoded, see resolveLadder), built
 * by the origin's own command builder twice: with the encoding choices the origin runs (origin/src/ladder-encoding.ts)
 * and with those from before issue 12's cost work (bench/transcode-before.ts), side by side.
 *
 *   node bench/transcode.ts [--seconds 20] [--rounds 3] [--skip-live]
 *
 * 1. Offline: the pipeline's FFmpeg command reading a file as fast as it can: the real-time factor
 *    (media seconds per wall second), the CPU one stream costs at real time (core-seconds per
 *    media second), hence how many such streams this machine holds in real time; then the SSIM of
 *    every encoded rung against the source scaled to its size (bench/ssim.ts).
 * 2. Live (current choices only: the origin runs no others): the real origin (NGINX-RTMP, agent,
 *    FFmpeg) against the stand-in Worker, fed by a publisher that copies the same file at
 *    real-time pace (so it costs almost nothing): FFmpeg's CPU beside the agent's.
 * On a shared machine every figure depends on what else runs: the load average is printed with them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { LadderEntry } from '@edgelive/shared/origin-protocol';
import { buildFfmpegArgs } from '../origin/src/ffmpeg-command.ts';
import { type Rung, resolveLadder } from '../origin/src/ladder.ts';
import { LADDER_ENCODING, type LadderEncoding } from '../origin/src/ladder-encoding.ts';
import { silentLogger } from '../origin/src/log.ts';
import { startOrigin } from '../origin/src/origin.ts';
import { waitExit } from '../origin/test-support/publisher.ts';
import { StubWorker } from '../origin/test-support/stub-worker.ts';
import { renditionSsim } from './ssim.ts';
import { BEFORE_ENCODING, beforeAudio } from './transcode-before.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    'skip-live': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const cores = availableParallelism();
const CLK_TCK = 100; // Linux USER_HZ
const ladders: { name: string; ladder: LadderEntry[] }[] = [
  {
    name: 'default ladder (source copy + 720p/480p/360p)',
    ladder: [{ name: 'source' }, { name: '720p' }, { name: '480p' }, { name: '360p' }],
  },
];
const encodings: { name: string; encoding: LadderEncoding; audio: (r: Rung[]) => Rung[] }[] = [
  { name: 'before', encoding: BEFORE_ENCODING, audio: beforeAudio },
  { name: 'now', encoding: LADDER_ENCODING, audio: (r) => r },
];
const input = { videoCodec: 'h264', audioCodec: 'aac', width: 1920, height: 1080, frameRate: 30, bitrateKbps: 6000 };

/** utime + stime of a process and its reaped children, in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-bench-'));

type Summary = Pick<OfflineFigures, 'rtf' | 'coresPerStream' | 'ssim'>;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface OfflineFigures {
  rtf: number;
  coresPerStream: number;
  load: [number, number];
  ssim: { rung: string; ssim: number }[];
}

/** The pipeline's exact FFmpeg command reading a file as fast as it can, then each rung's SSIM. */
async function offline(
  ladder: LadderEntry[],
  source: string,
  { encoding, audio }: (typeof encodings)[number],
  withSsim: boolean,
): Promise<OfflineFigures> {
  const load0 = loadavg()[0]!;
  const out = await mkdtemp(path.join(dir, 'offline-'));
  const rungs = audio(resolveLadder(ladder, input));
  const args = buildFfmpegArgs(
    {
      inputUrl: source,
      outputDir: out,
      latencyMode: 'standard',
      segmentDurationS: 2,
      startNumber: 0,
      frameRate: 30,
      hasAudio: true,
      rungs,
      thumbnailIntervalS: 5,
    },
    encoding,
  );
  const t0 = performance.now();
  const child = spawn('ffmpeg', args, { stdio: 'ignore' });
  let cpu = 0;
  const sampler = setInterval(() => {
    try {
      cpu = cpuSeconds(child.pid!);
    } catch {
      /* exited */
    }
  }, 100);
  await waitExit(child);
  clearInterval(sampler);
  const wall = (performance.now() - t0) / 1000;
  const load: [number, number] = [load0, loadavg()[0]!];
  const ssim = [];
  for (const r of withSsim ? rungs.filter((r) => !r.videoCopy) : []) {
    ssim.push({ rung: r.name, ssim: await renditionSsim(path.join(out, r.name), source, r.width, r.height) });
  }
  await rm(out, { recursive: true, force: true });
  return { rtf: seconds / wall, coresPerStream: cpu / seconds, load, ssim };
}

function printOffline(name: string, f: OfflineFigures): void {
  console.log(
    `  ${name.padEnd(6)} offline: real-time factor ${f.rtf.toFixed(2)}x, FFmpeg CPU per real-time stream ${f.coresPerStream.toFixed(3)} cores -> ${Math.floor(cores / f.coresPerStream)} stream(s) in real time on this machine (${(cores / f.coresPerStream).toFixed(2)} by CPU)${f.ssim.length ? `; SSIM ${f.ssim.map((s) => `${s.rung} ${s.ssim.toFixed(5)}`).join(', ')}` : ''}; load average ${f.load[0].toFixed(1)} before, ${f.load[1].toFixed(1)} after`,
  );
}

/**
 * Live through the origin (NGINX-RTMP, agent, FFmpeg) against the stand-in Worker, fed by a
 * publisher that copies the source file at real-time pace: FFmpeg's CPU beside the agent's.
 */
async function live(ladder: LadderEntry[], source: string): Promise<void> {
  const stub = new StubWorker({ orig_bench: 'bench' });
  const workerUrl = await stub.listen(0);
  const origin = await startOrigin({
    originId: 'orig_bench',
    secret: 'bench',
    workerUrl,
    rtmpPort: 19389,
    httpPort: 0,
    runtimeDir: await mkdtemp(path.join(dir, 'origin-')),
    log: process.env.BENCH_LOGS ? undefined : silentLogger,
  });
  const stream = stub.addStream({ key: 'sk_bench', ladder });
  const pub = spawn(
    'ffmpeg',
    ['-v', 'error', '-re', '-stream_loop', '-1', '-i', source, '-c', 'copy', '-f', 'flv', `${origin.rtmpUrl}/sk_bench`],
    { stdio: 'ignore' },
  );
  try {
    const deadline = Date.now() + 60_000;
    while (!origin.agent.publications()[0]?.ffmpegPid && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 3000)); // past start-up
    const publication = origin.agent.publications()[0];
    const pid = publication?.ffmpegPid;
    if (!publication || !pid) throw new Error('the live pipeline did not start');
    const media = () => stub.segmentsOf(stream.session!.id, '360p').reduce((s, x) => s + x.durationS, 0);
    const load0 = loadavg()[0]!;
    const m0 = media();
    const ff0 = cpuSeconds(pid);
    const a0 = process.cpuUsage();
    const t1 = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const liveWall = (performance.now() - t1) / 1000;
    const ff = (cpuSeconds(pid) - ff0) / liveWall;
    const a = process.cpuUsage(a0);
    const agent = (a.user + a.system) / 1e6 / liveWall;
    console.log(
      `  now    live: ${(media() - m0).toFixed(1)} media s uploaded in ${liveWall.toFixed(1)} s; FFmpeg ${ff.toFixed(2)} cores, agent (+ stand-in Worker, same process) ${agent.toFixed(3)} cores (${((agent / (ff + agent)) * 100).toFixed(1)} % of the origin's CPU); restarts ${publication.ffmpegRestarts}; load average ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
    );
  } finally {
    pub.kill('SIGKILL');
    await waitExit(pub);
    await origin.stop();
    await stub.close();
  }
}

try {
  // A 1080p30 source like OBS sends (2 s GOP, AAC), encoded once; fast preset to keep set-up short.
  const source = path.join(dir, 'source.flv');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1920x1080:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-b:v',
    '6000k',
    '-g',
    '60',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-f',
    'flv',
    source,
  ]);
  console.log(
    `from ${seconds} s of a 1080p30 H.264/AAC source; ${cores} cores; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const { name, ladder } of ladders) {
    console.log(name);
    // Rounds alternate the two, so that a load that comes and goes weighs on both alike; the
    // medians are the figures. SSIM is measured in the first round only (x264 is near deterministic).
    const runs: OfflineFigures[][] = encodings.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, e] of encodings.entries()) {
        const f = await offline(ladder, source, e, round === 0);
        printOffline(e.name, f);
        runs[i]!.push(f);
      }
    }
    const [before, now] = runs.map((r) => ({
      rtf: median(r.map((f) => f.rtf)),
      coresPerStream: median(r.map((f) => f.coresPerStream)),
      ssim: r[0]!.ssim,
    })) as [Summary, Summary];
    for (const [label, f] of [
      ['before', before],
      ['now', now],
    ] as const) {
      console.log(
        `  ${label.padEnd(6)} median of ${rounds}: real-time factor ${f.rtf.toFixed(2)}x, ${f.coresPerStream.toFixed(3)} cores per real-time stream (${(cores / f.coresPerStream).toFixed(2)} streams on ${cores} cores); SSIM ${f.ssim.map((x) => `${x.rung} ${x.ssim.toFixed(5)}`).join(', ')}`,
      );
    }
    const ssimDelta = now.ssim.map((x, i) => {
      const d = x.ssim - before.ssim[i]!.ssim;
      return `${x.rung} ${d >= 0 ? '+' : ''}${d.toFixed(5)}`;
    });
    console.log(
      `  now vs before: ${(((now.coresPerStream - before.coresPerStream) / before.coresPerStream) * 100).toFixed(1)} % CPU per stream, real-time factor x${(now.rtf / before.rtf).toFixed(2)}, SSIM ${ssimDelta.join(', ')}; load average now ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    if (!values['skip-live']) await live(ladder, source);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
