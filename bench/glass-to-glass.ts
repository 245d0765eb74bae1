/**
 * Glass-to-glass latency per latency mode, measured in the browser:
 *
 *   node bench/glass-to-glass.ts [--seconds 60] [--modes standard,low-classic,low] [--size 1920x1080]
 *                                [--port-base 20520]
 *
 * `low` is LL-HLS (parts, blocking reloads, hls.js in low-latency mode at the playlist's
 * PART-HOLD-BACK); `low-classic` is the same `low` stream with every LL-HLS tag taken out of its
 * media playlists on the way into the browser (a Playwright route), which is what `low` mode served
 * before LL-HLS: 1 s segments, the player 1.5 s behind the newest (its liveSyncDuration then, here
 * a HOLD-BACK=1.5 the route adds, which hls.js reads the same way).
 *
 * For each mode: an `ffmpeg` test pattern (`--size`, 640x360 by default; 30 fps, keyframe every second) publishes to the
 * real origin (NGINX-RTMP, agent, FFmpeg), the Worker runs under wrangler dev, and headless Chromium
 * plays the signed playback id through /embed/{playback_id}. Twice a second, after 10 s to settle,
 * two figures are taken from the frame on screen, p50/p95 over `seconds`:
 *
 * - pdt: wall clock − its program-date-time (hls.js `playingDate`). The agent dates each segment by
 *   the on_publish time plus the segment's publisher timestamp (origin/src/segment-clock.ts), so
 *   this figure leaves out only the publisher's own encode and upload;
 * - frame: wall clock − when the publisher made that frame, read from the frame number the
 *   publisher writes into the picture (e2e/harness/stamped-publisher.ts): true glass-to-glass,
 *   the publisher's encode and upload included (overstated by at most its start-up).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startLiveStack } from '../e2e/harness/live-stack.ts';
import { probe, waitFor } from '../e2e/harness/player-probe.ts';
import { readFrameNumber, startStampedPublisher } from '../e2e/harness/stamped-publisher.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    modes: { type: 'string', default: 'standard,low-classic,low' },
    // The goal is measured on a 1080p30 source (the publisher's bitrate grows with it).
    size: { type: 'string', default: '640x360' },
    // Worker, RTMP and origin HTTP ports: this one and the next two.
    'port-base': { type: 'string', default: '20520' },
  },
});
const SECONDS = Number(values.seconds);
const MODES = values.modes.split(',') as ('standard' | 'low' | 'low-classic')[];
/** The LL-HLS tags: without them a playlist is the classic one a player without LL-HLS reads. */
const LL_TAGS = /^#EXT-X-(PART|PART-INF|SERVER-CONTROL|PRELOAD-HINT|RENDITION-REPORT|SKIP)[:\n].*$\n?/gm;
const SETTLE_MS = 10_000;
const SIZE = values.size;
if (!/^\d+x\d+$/.test(SIZE)) throw new Error(`--size wants WxH, not ${SIZE}`);
const PORT = Number(values['port-base']);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

const live = await startLiveStack({ workerPort: PORT, rtmpPort: PORT + 1, originHttpPort: PORT + 2 });
const rows: string[] = [];
const publishers: ReturnType<typeof startStampedPublisher>[] = [];
try {
  const ctx = await live.browser();
  for (const mode of MODES) {
    const s = await live.createStream({ ladder: ['source'], latency_mode: mode === 'standard' ? 'standard' : 'low' });
    const publisher = startStampedPublisher(`${live.origin.rtmpUrl}/${s.streamKey}`, {
      seconds: SECONDS + 90,
      size: SIZE,
    });
    publishers.push(publisher);
    const token = await live.token(s.playbackId, 'v');
    await live.waitForMaster(s.playbackId, token, 1);
    const page = await ctx.newPage();
    if (mode === 'low-classic') {
      await page.route(/\/hls\/.*\.m3u8/, async (route) => {
        const res = await route.fetch();
        let body = (await res.text()).replace(LL_TAGS, '');
        // 1.5 s behind the newest segment, as the player's liveSyncDuration said before LL-HLS.
        if (body.includes('#EXTINF'))
          body = body.replace('#EXT-X-MEDIA-SEQUENCE', '#EXT-X-SERVER-CONTROL:HOLD-BACK=1.500\n$&');
        await route.fulfill({ response: res, body });
      });
    }
    await page.goto(`${live.stack.worker.url}/embed/${s.playbackId}?token=${token}`);
    await waitFor('playback', async () => ((await probe(page))?.currentTime ?? 0) > 0.5, 60_000);
    await page.waitForTimeout(SETTLE_MS);

    const samples: number[] = [];
    const frames: number[] = [];
    let badReads = 0;
    let stalls = 0;
    let lastTime = -1;
    const end = Date.now() + SECONDS * 1000;
    while (Date.now() < end) {
      const p = await probe(page);
      if (p?.latencyMs != null) samples.push(p.latencyMs);
      const n = await readFrameNumber(page);
      if (n === null) badReads++;
      else frames.push(Date.now() - (publisher.startedAt + (n * 1000) / publisher.rate));
      if (p && p.currentTime === lastTime) stalls++;
      lastTime = p?.currentTime ?? lastTime;
      await page.waitForTimeout(500);
    }
    const final = await probe(page);
    await page.close();
    publisher.child.kill('SIGKILL');
    const s2 = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const row =
      `${mode.padEnd(11)}  frame p50 ${s2(pct(frames, 50))} p95 ${s2(pct(frames, 95))} (${frames.length} reads, ${badReads} unreadable)   ` +
      `pdt p50 ${s2(pct(samples, 50))} p95 ${s2(pct(samples, 95))}   stalled samples ${stalls}   fatal errors ${final?.fatalErrors ?? '?'}`;
    console.log(row);
    rows.push(row);
  }
} finally {
  for (const p of publishers) p.child.kill('SIGKILL');
  await live.stop();
}
console.log(
  `\nglass-to-glass per latency mode, ${SIZE} 30 fps source, ${SECONDS} s each (frame: publisher's frame clock; pdt: program-date-time)`,
);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const r of rows) console.log(r);
