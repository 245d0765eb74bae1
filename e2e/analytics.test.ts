import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveStack, startLiveStack } from './harness/live-stack.ts';
import { probe, waitFor } from './harness/player-probe.ts';

/**
 * Viewer analytics for real: ffmpeg publishes through NGINX-RTMP and the agent into the Worker
 * (wrangler dev), headless Chromium plays the embed page, whose player sends beacons (heartbeats,
 * then `sendBeacon` on page hide), and the stream's analytics read back what happened.
 */
let live: LiveStack;

beforeAll(async () => {
  live = await startLiveStack({ workerPort: 20300, rtmpPort: 20301, originHttpPort: 20302 });
});
afterAll(async () => {
  await live?.stop();
});

interface Overview {
  views: number;
  unique_viewers: number;
  watch_time_s: number;
  startup_p50_ms: number | null;
  peak_concurrent_viewers: number;
}

/** Plays the embed page until `seconds` of video have played, then leaves it (page hide). */
async function watch(page: Page, url: string, seconds: number) {
  await page.goto(url);
  const started = await waitFor(
    'playback to start',
    async () => {
      const p = await probe(page);
      return p && p.currentTime > 0.5 ? p : null;
    },
    45_000,
  );
  await page.waitForTimeout(seconds * 1000);
  const ended = (await probe(page))!;
  expect(ended.currentTime - started.currentTime).toBeGreaterThan(seconds - 3);
  // Leaving the page fires `pagehide`, where the player sends its last beacon with sendBeacon.
  await page.goto('about:blank');
}

describe('viewer analytics in Chromium', () => {
  it('counts a 20 s view with its watch time, startup and browser, then a second viewer', async () => {
    const s = await live.createStream({ ladder: ['source'], latency_mode: 'low' });
    live.publish(s.streamKey, { seconds: 150 });
    const token = await live.token(s.playbackId, 'v');
    await live.waitForMaster(s.playbackId, token, 1);
    const url = `${live.stack.worker.url}/embed/${s.playbackId}?token=${token}`;
    const read = async <T>(path: string) => {
      const r = await live.stack.api.request<T>(
        'GET',
        `/v1/analytics/${path}${path.includes('?') ? '&' : '?'}stream_id=${s.id}`,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };

    const first = await live.browser();
    await watch(await first.newPage(), url, 20);
    // The object flushes a few seconds after the last beacon.
    const one = await waitFor(
      'the first view in the analytics',
      async () => {
        const o = await read<Overview>('overview');
        return o.views === 1 && o.watch_time_s >= 17 ? o : null;
      },
      20_000,
    );
    expect(one.unique_viewers).toBe(1);
    expect(one.watch_time_s).toBeGreaterThanOrEqual(17);
    expect(one.watch_time_s).toBeLessThanOrEqual(25);
    expect(one.startup_p50_ms).toBeGreaterThan(0);
    expect(one.startup_p50_ms).toBeLessThan(45_000);
    expect(one.peak_concurrent_viewers).toBe(1);

    const browsers = await read<{ data: { group: string; views: number }[] }>('breakdown?group_by=browser');
    expect(browsers.data).toEqual([expect.objectContaining({ group: 'Chromium', views: 1 })]);
    const series = await read<{ data: { concurrent_viewers: number; watch_time_s: number }[] }>(
      'timeseries?granularity=minute',
    );
    expect(series.data.some((p) => p.concurrent_viewers === 1)).toBe(true);
    expect(series.data.reduce((a, p) => a + p.watch_time_s, 0)).toBeCloseTo(one.watch_time_s, 0);

    // Another browser profile is another viewer.
    const second = await live.browser();
    await watch(await second.newPage(), url, 5);
    const two = await waitFor(
      'the second viewer',
      async () => {
        const o = await read<Overview>('overview');
        return o.views === 2 ? o : null;
      },
      20_000,
    );
    expect(two.unique_viewers).toBe(2);
  });

  it('shows the running origin on /v1/status and the /status page', async () => {
    const status = await live.stack.api.request<{ components: { name: string; status: string }[] }>(
      'GET',
      '/v1/status',
    );
    expect(status.body.components.find((c) => c.name === 'origin:orig_local')?.status).toBe('operational');
    const page = await (await live.browser()).newPage();
    await page.goto(`${live.stack.worker.url}/status`);
    await page.waitForFunction(() => document.querySelectorAll('#components tr').length > 0);
    expect(await page.locator('#components').textContent()).toContain('origin:orig_local');
    await page.screenshot({ path: 'e2e/screenshots/status-page.png', fullPage: true });
  });
});
