/**
 * The watch page on a phone's budget, through the real stack (wrangler dev, NGINX-RTMP + FFmpeg,
 * Chromium):
 *
 *   node bench/watch-page.ts [--runs 3]
 *
 * 1. Weight: the HTML (CSS inline) and its one script, raw, gzip and brotli (what a CDN sends).
 * 2. With the channel live: first contentful paint and time to first frame (navigation start to the
 *    video's first `playing`), in Chromium with a 4x CPU slowdown and a fast-3G-like network
 *    (1.6 Mb/s down, 150 ms RTT), median of `runs` cold loads.
 * Absolute times move with the machine's load (printed); the weight does not.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { startLiveStack } from '../e2e/harness/live-stack.ts';
import { waitFor } from '../e2e/harness/player-probe.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const sizes = (b: Buffer) => ({
  raw: b.length,
  gzip: gzipSync(b, { level: 9 }).length,
  brotli: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const live = await startLiveStack({ workerPort: 20111, rtmpPort: 20136, originHttpPort: 20182 });
try {
  const { api } = live.stack;
  const ch = await api.call<{ id: string; watch_url: string }>('POST', '/v1/channels', {
    slug: `bench-${Date.now().toString(36)}`,
    display_name: 'Bench',
    bio: 'A channel for measuring.',
  });
  const s = await live.createStream({ playback_policies: ['public'], ladder: ['source', '240p'] });
  await api.call('PUT', `/v1/channels/${ch.id}/streams/${s.id}`);

  const offline = Buffer.from(await (await fetch(ch.watch_url)).arrayBuffer());
  const script = readFileSync(new URL('../public/player/watch.js', import.meta.url));
  const h = sizes(offline);
  const j = sizes(script);
  console.log('watch page weight (HTML with inline CSS + watch.js):');
  console.log(`  html    raw ${kb(h.raw)}  gzip ${kb(h.gzip)}  brotli ${kb(h.brotli)}`);
  console.log(`  script  raw ${kb(j.raw)}  gzip ${kb(j.gzip)}  brotli ${kb(j.brotli)}`);
  console.log(`  total   raw ${kb(h.raw + j.raw)}  gzip ${kb(h.gzip + j.gzip)}  brotli ${kb(h.brotli + j.brotli)}`);

  const publisher = live.publish(s.streamKey, { seconds: 120 });
  await live.waitForMaster(s.playbackId, '', 2);
  const ctx = await live.browser();
  const fcp: number[] = [];
  const ttff: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(ch.watch_url);
    const r = await waitFor(
      'the first frame',
      () =>
        page.evaluate(() => {
          const w = window as unknown as { edgelive?: { firstFrameMs: number | null } };
          const paint = performance.getEntriesByName('first-contentful-paint')[0];
          const ff = w.edgelive?.firstFrameMs ?? null;
          return ff !== null && paint ? { fcp: paint.startTime, ff } : null;
        }),
      60_000,
    );
    fcp.push(r.fcp);
    ttff.push(r.ff);
    await page.close();
  }
  publisher.kill('SIGINT');
  console.log(
    `live page, ${RUNS} cold loads, 4x CPU slowdown, 1.6 Mb/s / 150 ms RTT (load ${loadavg()[0]!.toFixed(2)}):`,
  );
  console.log(
    `  first contentful paint  median ${median(fcp).toFixed(0)} ms  (${fcp.map((x) => x.toFixed(0)).join(', ')})`,
  );
  console.log(
    `  time to first frame     median ${median(ttff).toFixed(0)} ms  (${ttff.map((x) => x.toFixed(0)).join(', ')})`,
  );
} finally {
  await live.stop();
}
