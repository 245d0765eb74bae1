/**
 * Glass-to-glass latency per latency mode, measured in the browser:
 *
 *   node bench/glass-to-glass.ts [--seconds 60] [--modes standard,low]
 *
 * For each mode: an `ffmpeg` test pattern (640x360, 30 fps, keyframe every second) publishes to the
 * real origin (NGINX-RTMP, agent, FFmpeg), the Worker runs under wrangler dev, and headless Chromium
 * plays the signed playback id through /embed/{playback_id}. Twice a second the page reports
 * wall clock − program-date-time of the frame on screen (hls.js `playingDate`); p50/p95 over
 * `seconds` of playback, after the player has settled for 10 s.
 *
 * The program-date-time is stamped by the origin's FFmpeg as frames arrive from NGINX-RTMP, so the
 * publisher's own encode and upload (a few hundred ms for a local zerolatency x264) come on top.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startLiveStack } from '../e2e/harness/live-stack.ts';
import { probe, waitFor } from '../e2e/harness/player-probe.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    modes: { type: 'string', default: 'standard,low' },
  },
});
const SECONDS = Number(values.seconds);
const MODES = values.modes.split(',') as ('standard' | 'low')[];
const SETTLE_MS = 10_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const live = await startLiveStack({ workerPort: 8963, rtmpPort: 19373, originHttpPort: 8983 });
const rows: string[] = [];
try {
  const ctx = await live.browser();
  for (const mode of MODES) {
    const s = await live.createStream({ ladder: ['source'], latency_mode: mode });
    const publisher = live.publish(s.streamKey, { seconds: SECONDS + 90 });
    const token = await live.token(s.playbackId, 'v');
    await live.waitForMaster(s.playbackId, token, 1);
    const page = await ctx.newPage();
    await page.goto(`${live.stack.worker.url}/embed/${s.playbackId}?token=${token}`);
    await waitFor('playback', async () => ((await probe(page))?.currentTime ?? 0) > 0.5, 60_000);
    await page.waitForTimeout(SETTLE_MS);

    const samples: number[] = [];
    let stalls = 0;
    let lastTime = -1;
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const p = await probe(page);
      if (p?.latencyMs != null) samples.push(p.latencyMs);
      if (p && p.currentTime === lastTime) stalls++;
      lastTime = p?.currentTime ?? lastTime;
      await page.waitForTimeout(500);
    }
    const final = await probe(page);
    await page.close();
    publisher.kill('SIGINT');
    const row =
      `${mode.padEnd(8)}  p50 ${(pct(samples, 50) / 1000).toFixed(2)} s   p95 ${(pct(samples, 95) / 1000).toFixed(2)} s   ` +
      `min ${(Math.min(...samples) / 1000).toFixed(2)} s   samples ${samples.length}   stalled samples ${stalls}   fatal errors ${final?.fatalErrors ?? '?'}`;
    console.log(row);
    rows.push(row);
  }
} finally {
  await live.stop();
}
console.log(`\nglass-to-glass (wall clock − program-date-time of the frame playing), ${SECONDS} s per mode`);
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const r of rows) console.log(r);
