/**
 * Reconnect to first listed segment (issue 12: within one segment duration plus one second).
 *
 *   node bench/reconnect.ts [--rounds 3] [--modes low,standard]
 *
 * The real origin (NGINX-RTMP, agent, FFmpeg) and the Worker under wrangler dev; an `ffmpeg`
 * publisher (640x360, 30 fps, a keyframe a second) publishes, is killed, and after 2 s a new
 * publisher with the same key connects. The figure is from the new publisher's start to the first
 * segment after the new EXT-X-DISCONTINUITY in the live media playlist (the same session continued),
 * polled every 50 ms, measured twice: from the new publisher's spawn (its own start and RTMP connect
 * included) and from the moment the origin accepted its publish (the reconnect as the origin sees it:
 * the Worker's publish call, FFmpeg's start, one segment of media, its upload and listing).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startLiveStack } from '../e2e/harness/live-stack.ts';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, modes: { type: 'string', default: 'low,standard' } },
});
const ROUNDS = Number(values.rounds);
const MODES = values.modes.split(',') as ('standard' | 'low')[];

/** When the agent last accepted a publish (its log line). */
let acceptedAt = 0;
const live = await startLiveStack({
  workerPort: 20510,
  rtmpPort: 20511,
  originHttpPort: 20512,
  log: (_level, message) => {
    if (message === 'publish accepted') acceptedAt = Date.now();
  },
});
const rows: string[] = [];
try {
  for (const mode of MODES) {
    const s = await live.createStream({ ladder: ['source'], latency_mode: mode, reconnect_window: 60 });
    const token = await live.token(s.playbackId, 'v');
    let pub = live.publish(s.streamKey, { seconds: 600 });
    const master = await live.waitForMaster(s.playbackId, token, 1);
    const base = `${live.stack.worker.url}/hls/${s.playbackId}.m3u8`;
    const mediaUrl = new URL(master.trim().split('\n').pop()!, base).toString();
    const list = async () => (await fetch(mediaUrl)).text();
    const figures: number[] = [];
    const fromAccept: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await new Promise((r) => setTimeout(r, 4000));
      pub.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 2000));
      const before = ((await list()).match(/#EXT-X-DISCONTINUITY\n/g) ?? []).length;
      const startedAt = Date.now();
      pub = live.publish(s.streamKey, { seconds: 600 });
      for (const deadline = Date.now() + 60_000; ; ) {
        const parts = (await list()).split('#EXT-X-DISCONTINUITY\n');
        if (parts.length - 1 > before && parts.at(-1)!.includes('#EXTINF')) break;
        if (Date.now() > deadline) throw new Error('no segment after the reconnect within 60 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      figures.push(Date.now() - startedAt);
      fromAccept.push(Date.now() - acceptedAt);
    }
    pub.kill('SIGKILL');
    const row = [
      `${mode.padEnd(9)} publisher spawn → first listed segment: ${series(figures)}`,
      `${mode.padEnd(9)} publish accepted → first listed segment: ${series(fromAccept)}`,
    ].join('\n');
    console.log(row);
    rows.push(row);
  }
} finally {
  await live.stop();
}
console.log(
  `\nload average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const r of rows) console.log(r);

function series(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${ms.map((f) => `${(f / 1000).toFixed(2)} s`).join(', ')} (median ${(median / 1000).toFixed(2)} s)`;
}
