/**
 * Transcode benchmark: one 1080p30 H.264/AAC source (a test pattern) through the full ladder
 * (source copy + 1080p, 720p, 480p, 360p) by the real origin (NGINX-RTMP, the agent, FFmpeg)
 * against the stand-in Worker. Prints the real-time factor, FFmpeg's CPU per stream, how many such
 * streams fit on this machine in real time, and the agent's own CPU beside FFmpeg's.
 *
 *   node bench/transcode.ts [--seconds 30]
 *
 * The publisher's own encode is excluded from every figure (it stands in for OBS on another machine).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger } from '../origin/src/log.ts';
import { startOrigin } from '../origin/src/origin.ts';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import { StubWorker } from '../origin/test-support/stub-worker.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' } } });
const seconds = Number(values.seconds);
const CLK_TCK = 100; // Linux USER_HZ

/** utime + stime of a process, in seconds, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

const stub = new StubWorker({ orig_bench: 'bench' });
const workerUrl = await stub.listen(0);
const runtimeDir = await mkdtemp(path.join(tmpdir(), 'edgelive-bench-'));
const origin = await startOrigin({ originId: 'orig_bench', secret: 'bench', workerUrl, rtmpPort: 19368, httpPort: 0, runtimeDir, log: process.env.BENCH_LOGS ? undefined : silentLogger });
const stream = stub.addStream({
  key: 'sk_bench',
  ladder: [{ name: 'source' }, { name: '1080p' }, { name: '720p' }, { name: '480p' }, { name: '360p' }],
});
const pub = startTestPublisher(`${origin.rtmpUrl}/sk_bench`, { size: '1920x1080', rate: 30, gopFrames: 60 });

try {
  // Wait for the pipeline, then skip its start-up (probe, first GOPs) before measuring.
  const deadline = Date.now() + 60_000;
  while (!origin.agent.publications()[0]?.ffmpegPid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const publication = origin.agent.publications()[0];
  if (!publication?.ffmpegPid) throw new Error('the pipeline did not start');
  await new Promise((r) => setTimeout(r, 4000));
  const ffmpegPid = publication.ffmpegPid ?? 0;
  const session = stream.session!.id;
  const count = () => stub.segmentsOf(session, '360p').reduce((sum, s) => sum + s.durationS, 0);
  const startMedia = count();
  const t0 = performance.now();
  const ff0 = cpuSeconds(ffmpegPid);
  const agent0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const wall = (performance.now() - t0) / 1000;
  const ffCpu = cpuSeconds(ffmpegPid) - ff0;
  const agentUsage = process.cpuUsage(agent0);
  // The bench process runs the stand-in Worker too; its share is small and counted with the agent.
  const agentCpu = (agentUsage.user + agentUsage.system) / 1e6;
  const media = count() - startMedia;
  const cores = availableParallelism();
  const perStream = ffCpu / wall;
  const rtf = media / wall;
  console.log(`full ladder (source copy + 1080p/720p/480p/360p, x264 veryfast) from a 1080p30 source, ${wall.toFixed(1)} s measured`);
  console.log(`  real-time factor (media seconds produced per wall second): ${rtf.toFixed(2)}`);
  console.log(`  FFmpeg CPU per stream: ${perStream.toFixed(2)} cores (${((perStream / cores) * 100).toFixed(0)} % of ${cores} cores)`);
  console.log(`  agent (+ stand-in Worker) CPU: ${(agentCpu / wall).toFixed(3)} cores`);
  console.log(`  streams in real time on this machine: ${Math.floor(cores / (perStream + agentCpu / wall))} (by CPU; ${cores} cores, publisher excluded)`);
  console.log(`  ffmpeg restarts during the run: ${publication.ffmpegRestarts}`);
} finally {
  pub.kill('SIGKILL');
  await waitExit(pub);
  await origin.stop();
  await stub.close();
  await rm(runtimeDir, { recursive: true, force: true });
}
