/**
 * Transcode benchmark: one 1080p30 H.264/AAC source through the default ladder (source copy +
 * 720p, 480p, 360p) and the full ladder (+ a 1080p re-encode), x264 veryfast, each built by the
 * origin's own command builder.
 *
 *   node bench/transcode.ts [--seconds 20]
 *
 * 1. Offline: the pipeline's FFmpeg command reading a file as fast as it can: the real-time factor
 *    (media seconds per wall second) and the CPU one stream costs at real time (core-seconds per
 *    media second), hence how many such streams this machine holds in real time.
 * 2. Live: the real origin (NGINX-RTMP, agent, FFmpeg) against the stand-in Worker, fed by a
 *    publisher that copies the same file at real-time pace (so it costs almost nothing): FFmpeg's
 *    CPU beside the agent's.
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
import { resolveLadder } from '../origin/src/ladder.ts';
import { silentLogger } from '../origin/src/log.ts';
import { startOrigin } from '../origin/src/origin.ts';
import { waitExit } from '../origin/test-support/publisher.ts';
import { StubWorker } from '../origin/test-support/stub-worker.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' } } });
const seconds = Number(values.seconds);
const cores = availableParallelism();
const CLK_TCK = 100; // Linux USER_HZ
const ladders: { name: string; ladder: LadderEntry[] }[] = [
  {
    name: 'default ladder (source copy + 720p/480p/360p)',
    ladder: [{ name: 'source' }, { name: '720p' }, { name: '480p' }, { name: '360p' }],
  },
  {
    name: 'full ladder (source copy + 1080p/720p/480p/360p)',
    ladder: [{ name: 'source' }, { name: '1080p' }, { name: '720p' }, { name: '480p' }, { name: '360p' }],
  },
];
const input = { videoCodec: 'h264', audioCodec: 'aac', width: 1920, height: 1080, frameRate: 30, bitrateKbps: 6000 };

/** utime + stime of a process and its reaped children, in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-bench-'));

/** The pipeline's exact FFmpeg command reading a file as fast as it can. */
async function offline(ladder: LadderEntry[], source: string): Promise<void> {
  const load0 = loadavg()[0]!;
  const out = await mkdtemp(path.join(dir, 'offline-'));
  const args = buildFfmpegArgs({
    inputUrl: source,
    outputDir: out,
    latencyMode: 'standard',
    segmentDurationS: 2,
    startNumber: 0,
    frameRate: 30,
    hasAudio: true,
    rungs: resolveLadder(ladder, input),
    thumbnailIntervalS: 5,
  });
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
  const rtf = seconds / wall;
  const coresPerStream = cpu / seconds;
  console.log(
    `  offline: real-time factor ${rtf.toFixed(2)}x, FFmpeg CPU per real-time stream ${coresPerStream.toFixed(2)} cores -> ${Math.floor(cores / coresPerStream)} stream(s) in real time on this machine (${(cores / coresPerStream).toFixed(2)} by CPU); load average ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
  );
  await rm(out, { recursive: true, force: true });
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
      `  live: ${(media() - m0).toFixed(1)} media s uploaded in ${liveWall.toFixed(1)} s; FFmpeg ${ff.toFixed(2)} cores, agent (+ stand-in Worker, same process) ${agent.toFixed(3)} cores (${((agent / (ff + agent)) * 100).toFixed(1)} % of the origin's CPU); restarts ${publication.ffmpegRestarts}; load average ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`,
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
  console.log(`from ${seconds} s of a 1080p30 H.264/AAC source (x264 veryfast); ${cores} cores`);
  for (const { name, ladder } of ladders) {
    console.log(name);
    await offline(ladder, source);
    await live(ladder, source);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
