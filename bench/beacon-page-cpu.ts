/**
 * What the player's beacons cost the page, in Chromium on the real embed page (wrangler dev,
 * NGINX-RTMP + FFmpeg, headless Chromium):
 *
 *   node bench/beacon-page-cpu.ts [--seconds 60]
 *
 * 1. The beacon work itself, measured in the page: building one beacon (`tracker.peek()`) and
 *    serializing it, timed over many runs (the part that runs every heartbeat and on page hide).
 * 2. The page's whole main-thread CPU over `seconds` of playback (CDP Performance metrics: task
 *    and script time), with the tracker running and with it stopped right after load, the two in
 *    turn on the same live stream; and how many beacons the running one sent.
 * Whole-page CPU is mostly hls.js and media; the difference is within its run-to-run noise, so
 * (1) is the figure that bounds the beacons' cost. Figures move with the machine's load (printed).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startLiveStack } from '../e2e/harness/live-stack.ts';
import { probe, waitFor } from '../e2e/harness/player-probe.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' } } });
const SECONDS = Number(values.seconds);

interface PageCpu {
  taskMs: number;
  scriptMs: number;
  beacons: number;
}

const live = await startLiveStack({ workerPort: 20330, rtmpPort: 20331, originHttpPort: 20332 });
try {
  const s = await live.createStream({ playback_policies: ['public'], ladder: ['source'], latency_mode: 'low' });
  const publisher = live.publish(s.streamKey, { seconds: SECONDS * 2 + 120, size: '640x360' });
  await live.waitForMaster(s.playbackId, '', 1);
  const url = `${live.stack.worker.url}/embed/${s.playbackId}`;
  const ctx = await live.browser();

  const metrics = async (cdp: Awaited<ReturnType<typeof ctx.newCDPSession>>) => {
    const { metrics: m } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const get = (n: string) => (m.find((x) => x.name === n)?.value ?? 0) * 1000;
    return { task: get('TaskDuration'), script: get('ScriptDuration') };
  };

  async function run(tracked: boolean): Promise<PageCpu> {
    const page: Page = await ctx.newPage();
    let beacons = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/v1/beacons') beacons++;
    });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(url);
    await waitFor('playback', async () => ((await probe(page))?.currentTime ?? 0) > 0.5 || null, 60_000);
    if (!tracked)
      await page.evaluate(() =>
        (window as unknown as { edgelive: { tracker: { stop(): void } } }).edgelive.tracker.stop(),
      );
    const counted = beacons;
    const a = await metrics(cdp);
    await page.waitForTimeout(SECONDS * 1000);
    const b = await metrics(cdp);
    const sent = beacons - counted;
    await page.close();
    return { taskMs: b.task - a.task, scriptMs: b.script - a.script, beacons: sent };
  }

  // (1) The beacon work alone, in the page's own JavaScript engine.
  const micro = await (async () => {
    const page = await ctx.newPage();
    await page.goto(url);
    await waitFor('playback', async () => ((await probe(page))?.currentTime ?? 0) > 0.5 || null, 60_000);
    const r = await page.evaluate(() => {
      const t = (window as unknown as { edgelive: { tracker: { peek(): unknown } } }).edgelive.tracker;
      const N = 20_000;
      let bytes = 0;
      const t0 = performance.now();
      for (let i = 0; i < N; i++) bytes += JSON.stringify(t.peek()).length;
      return { usPerBeacon: ((performance.now() - t0) * 1000) / N, bytes: bytes / N };
    });
    await page.close();
    return r;
  })();

  const on: PageCpu[] = [];
  const off: PageCpu[] = [];
  for (let i = 0; i < 2; i++) {
    on.push(await run(true));
    off.push(await run(false));
  }
  publisher.kill('SIGKILL');

  const perMin = (x: number) => (x / SECONDS) * 60;
  const avg = (xs: PageCpu[], k: keyof PageCpu) => xs.reduce((a, x) => a + x[k], 0) / xs.length;
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on this machine`,
  );
  console.log('beacon work in the page (build + JSON.stringify, 20000 runs):');
  console.log(`  ${micro.usPerBeacon.toFixed(2)} µs per beacon, ${micro.bytes.toFixed(0)} bytes each`);
  const heartbeatsPerMin = 6;
  console.log(
    `  at ${heartbeatsPerMin} heartbeats a minute: ${(micro.usPerBeacon * heartbeatsPerMin).toFixed(1)} µs of CPU per minute = ${(((micro.usPerBeacon * heartbeatsPerMin) / 60e6) * 100).toExponential(2)} % of one core`,
  );
  console.log(`whole page main thread over ${SECONDS} s of playback (two runs each, per minute):`);
  for (const [name, xs] of [
    ['tracker on', on],
    ['tracker off', off],
  ] as const) {
    console.log(
      `  ${name.padEnd(11)} task ${perMin(avg(xs, 'taskMs')).toFixed(0)} ms/min  script ${perMin(avg(xs, 'scriptMs')).toFixed(0)} ms/min  beacons ${avg(xs, 'beacons').toFixed(1)}  (runs: ${xs.map((x) => perMin(x.taskMs).toFixed(0)).join(', ')} ms/min)`,
    );
  }
  console.log(
    `  difference ${(perMin(avg(on, 'taskMs')) - perMin(avg(off, 'taskMs'))).toFixed(0)} ms/min of task time (run-to-run noise: see the runs)`,
  );
} finally {
  await live.stop();
}
