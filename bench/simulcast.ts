/**
 * Simulcast benchmark: the origin's CPU per simulcast target. A 720p30 test pattern is published to
 * a local NGINX-RTMP (the origin's place), and N supervised pushes (origin/src/simulcast-push.ts,
 * the agent's own code and FFmpeg command) copy it to another NGINX-RTMP (the receivers' place).
 * Only the push processes are measured (utime + stime from /proc), over a fixed window once every
 * push is broadcasting: copy mode should cost close to nothing next to a transcode.
 *
 *   node bench/simulcast.ts [--seconds 10] [--targets 1,3,6]
 *
 * Ports 20020-20021 (issue 13's range). On a shared machine figures depend on what else runs:
 * the load average is printed with them.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { RtmpReceiver } from '../e2e/harness/rtmp-receiver.ts';
import { silentLogger } from '../origin/src/log.ts';
import { SimulcastPush } from '../origin/src/simulcast-push.ts';
import { startTestPublisher } from '../origin/test-support/publisher.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, targets: { type: 'string', default: '1,3,6' } },
});
const seconds = Number(values.seconds);
const counts = values.targets.split(',').map(Number);
const CLK_TCK = 100; // Linux USER_HZ

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const source = new RtmpReceiver(20020);
const sink = new RtmpReceiver(20021);
await source.start();
await sink.start();
const publisher = startTestPublisher(`${source.url}/program`, { size: '1280x720' });
try {
  await sleep(3000);
  console.log(`simulcast copy pushes of a 1280x720 30 fps H.264/AAC program, ${seconds} s windows`);
  for (const n of counts) {
    const broadcasting = new Set<number>();
    const pushes = Array.from({ length: n }, (_, i) => {
      const push: SimulcastPush = new SimulcastPush({
        targetId: `sim_bench${i}`,
        revision: 1,
        sourceUrl: `${source.url}/program`,
        pushUrl: `${sink.url}/bench-${n}-${i}`,
        report: (r) => {
          if (r.status === 'broadcasting') broadcasting.add(i);
        },
        log: silentLogger,
      });
      push.start();
      return push;
    });
    const deadline = Date.now() + 20_000;
    while (broadcasting.size < n && Date.now() < deadline) await sleep(100);
    if (broadcasting.size < n) throw new Error(`only ${broadcasting.size} of ${n} pushes broadcasting`);
    await sleep(1000);
    const pids = pushes.map((p) => p.pid!);
    const load0 = loadavg()[0]!;
    const before = pids.map(cpuSeconds);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const wall = (performance.now() - t0) / 1000;
    const used = pids.map((pid, i) => cpuSeconds(pid) - before[i]!);
    const total = used.reduce((a, b) => a + b, 0);
    const perTarget = total / n / wall;
    console.log(
      `  ${n} target(s): ${(perTarget * 100).toFixed(2)} % of one core per target ` +
        `(min ${((Math.min(...used) / wall) * 100).toFixed(2)} %, max ${((Math.max(...used) / wall) * 100).toFixed(2)} %), ` +
        `${((total / wall) * 100).toFixed(2)} % in all; load ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
    );
    await Promise.all(pushes.map((p) => p.stop(true)));
  }
} finally {
  publisher.kill('SIGKILL');
  await source.cleanup();
  await sink.cleanup();
}
