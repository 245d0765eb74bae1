import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedConsole, serveConsole } from '../dashboard/serve.ts';
import { ensureConsoleBuild } from '../scripts/lib/console-build.ts';
import { screenshot } from './console/browser.ts';
import { type LiveStack, startLiveStack } from './harness/live-stack.ts';
import { probe, waitFor } from './harness/player-probe.ts';
import { chatAs } from './harness/room-socket.ts';

/**
 * Viewer analytics for real: ffmpeg publishes through NGINX-RTMP and the agent into the Worker
 * (wrangler dev), headless Chromium plays the embed page, whose player sends beacons (heartbeats,
 * then `sendBeacon` on page hide), and the stream's analytics read back what happened.
 */
let live: LiveStack;
let consoleSite: ServedConsole;
/** The stream the first test watched; the console test reads its analytics. */
let watched: { id: string; roomId: string } | null = null;

beforeAll(async () => {
  ensureConsoleBuild(process.env.E2E_REBUILD === '1');
  live = await startLiveStack({ workerPort: 20300, rtmpPort: 20301, originHttpPort: 20302 });
  consoleSite = await serveConsole({ port: 20303, apiUrl: live.stack.worker.url });
});
afterAll(async () => {
  await consoleSite?.close();
  await live?.stop();
});

interface Overview {
  views: number;
  unique_viewers: number;
  watch_time_s: number;
  startup_p50_ms: number | null;
  peak_concurrent_viewers: number;
  dropped_frames: number;
  dropped_frame_ratio: number;
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
    watched = { id: s.id, roomId: s.roomId };
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
    const page = await first.newPage();
    // What the player put in its beacons (all go out through sendBeacon).
    const sent: { total_frames?: number; dropped_frames?: number }[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/beacons') && r.method() === 'POST') sent.push(JSON.parse(r.postData() ?? '{}'));
    });
    await watch(page, url, 20);
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
    // Dropped frames: the player reads them from the <video> (getVideoPlaybackQuality()), and the
    // analytics give the ratio (the count a headless Chromium drops may well be 0).
    const frames = sent.filter((b) => b.total_frames !== undefined).at(-1);
    expect(frames?.total_frames).toBeGreaterThan(0);
    expect(frames?.dropped_frames).toBeGreaterThanOrEqual(0);
    expect(typeof one.dropped_frame_ratio).toBe('number');
    expect(one.dropped_frame_ratio).toBeGreaterThanOrEqual(0);
    expect(one.dropped_frame_ratio).toBeLessThanOrEqual(1);
    expect(one.dropped_frames).toBeGreaterThanOrEqual(0);

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

  it("charts the watched stream's viewers and its chat on one time axis in the console", async () => {
    expect(watched).not.toBeNull();
    const w = watched!;
    const url = live.stack.worker.url;
    await chatAs(url, w.roomId, await live.chatToken('ada'), ['first!', 'what a show']);
    await chatAs(url, w.roomId, await live.chatToken('bob'), ['hello from bob']);
    const chat = await live.stack.api.request<{ data: { messages: number; active_chatters: number }[] }>(
      'GET',
      `/v1/analytics/chat?stream_id=${w.id}&granularity=hour`,
    );
    expect(chat.body.data.reduce((a, p) => a + p.messages, 0)).toBe(3);

    const ctx = await live.browser();
    await ctx.addCookies([
      { name: 'edgelive_session', value: live.stack.demo.account.session_token, url: consoleSite.url },
    ]);
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${consoleSite.url}/apps/${live.stack.demo.app.id}/streams/${w.id}/analytics`);
    const totals = page.getByRole('region', { name: 'Totals' });
    await expect.poll(() => totals.textContent(), { timeout: 30_000 }).toContain('Unique viewers2');
    const chart = (name: string) => page.getByRole('img', { name: new RegExp(`^${name}:`) });
    // Canvas charts say their figures in their accessible names.
    await expect
      .poll(() => chart('Concurrent viewers').getAttribute('aria-label'), { timeout: 20_000 })
      .toMatch(/Concurrent viewers peak [12],/);
    expect(await chart('Chat activity').getAttribute('aria-label')).toMatch(/Messages per minute peak [123],/);
    expect(await chart('Chat activity').getAttribute('aria-label')).toMatch(/Active chatters peak [12],/);
    // Every chart draws on the same buckets.
    const points = await page
      .locator('.time-chart [data-points]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-points')));
    expect(points).toHaveLength(4);
    expect(new Set(points).size).toBe(1);
    expect(await page.locator('.time-chart canvas').count()).toBe(4);
    await page.getByRole('tab', { name: 'Browser' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Breakdown' }).getByRole('table').textContent())
      .toContain('Chromium');
    await screenshot(page, 'analytics-stream');

    await page.goto(`${consoleSite.url}/apps/${live.stack.demo.app.id}/analytics`);
    await expect.poll(() => totals.textContent(), { timeout: 30_000 }).toContain('Unique viewers2');
    await screenshot(page, 'analytics-app');
  });

  it("shows an asset's views on its own page, reached from the app's breakdown by stream or asset", async () => {
    const url = live.stack.worker.url;
    // An asset with its own tree (a URL ingest): its playback id's beacons count under the asset.
    const asset = await live.stack.api.call<{ id: string; playback_ids: { id: string }[] }>('POST', '/v1/assets', {
      input: 'https://media.example.com/talk.mp4',
      playback_policies: ['public'],
    });
    const ctx = await live.browser();
    const page = await ctx.newPage();
    // A customer's own player sends the documented beacons (docs/beacons.md) from Chromium.
    await page.goto(`${url}/status`);
    const sent = await page.evaluate(
      async ({ pb }) => {
        const base = { playback_id: pb, view_id: 'assetview0001', viewer_id: 'assetviewer01', rebuffer_count: 0 };
        const beacons = [
          { ...base, event: 'view_start', seq: 0, startup_ms: null, playing_ms: 0, rebuffer_ms: 0 },
          { ...base, event: 'heartbeat', seq: 1, startup_ms: 900, playing_ms: 12_000, rebuffer_ms: 0 },
        ].map((b) => ({ ...b, error_count: 0, rendition: 720, live_latency_ms: null }));
        const statuses: number[] = [];
        for (const b of beacons) {
          const r = await fetch('/v1/beacons', {
            method: 'POST',
            body: JSON.stringify(b),
            headers: { 'content-type': 'text/plain' },
          });
          statuses.push(r.status);
        }
        return statuses;
      },
      { pb: asset.playback_ids[0]!.id },
    );
    expect(sent).toEqual([202, 202]);

    await ctx.addCookies([
      { name: 'edgelive_session', value: live.stack.demo.account.session_token, url: consoleSite.url },
    ]);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${consoleSite.url}/apps/${live.stack.demo.app.id}/analytics`);
    const breakdown = page.getByRole('region', { name: 'Breakdown' });
    await page.getByRole('tab', { name: 'Stream or asset' }).click();
    // The analytics object flushes to D1 within seconds; the page polls.
    const link = breakdown.getByRole('link', { name: asset.id });
    await expect.poll(() => link.count(), { timeout: 45_000 }).toBe(1);
    await link.click();
    await page.waitForURL(`**/assets/${asset.id}/analytics`);
    const totals = page.getByRole('region', { name: 'Totals' });
    await expect.poll(() => totals.textContent(), { timeout: 30_000 }).toContain('Unique viewers1');
    expect(await totals.textContent()).toMatch(/Watch time\s*12\s*s/);
    // No chat chart: an asset has no room.
    expect(await page.locator('.time-chart canvas').count()).toBe(3);
    await screenshot(page, 'analytics-asset');
  });
});
