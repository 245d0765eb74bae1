/// <reference path="../origin/test-support/parse-prometheus-text-format.d.ts" />
import type { ChildProcess } from 'node:child_process';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedConsole, serveConsole } from '../dashboard/serve.ts';
import { waitExit } from '../origin/test-support/publisher.ts';
import { ensureConsoleBuild } from '../scripts/lib/console-build.ts';
import { screenshot } from './console/browser.ts';
import { type LiveStack, startLiveStack } from './harness/live-stack.ts';
import { waitFor } from './harness/player-probe.ts';

/**
 * Stream health and the origin's metrics, for real: ffmpeg publishes through NGINX-RTMP and the
 * agent into the Worker; the agent samples the session every 3 s. The publisher then comes back
 * throttled (`-maxrate 150k`, within the reconnect window, so the same session), which must turn
 * the session `degraded` with its reason, and then at its first bitrate, which must recover it.
 * Meanwhile `/metrics` parses as Prometheus text and its counters move. Ports 20320-20323.
 */
let live: LiveStack;
let consoleSite: ServedConsole;

beforeAll(async () => {
  ensureConsoleBuild(process.env.E2E_REBUILD === '1');
  live = await startLiveStack({
    workerPort: 20320,
    rtmpPort: 20321,
    originHttpPort: 20322,
    timings: { healthSampleMs: 3000 },
  });
  consoleSite = await serveConsole({ port: 20323, apiUrl: live.stack.worker.url });
});
afterAll(async () => {
  await consoleSite?.close();
  await live?.stop();
});

interface Health {
  session_id: string | null;
  status: 'healthy' | 'degraded' | null;
  reasons: string[];
  samples: {
    input_bitrate_kbps: number;
    status: string;
    frame_rate: number | null;
    upload_lag_ms_p95: number | null;
  }[];
}

/** One metric's value summed over its series (histograms: their +Inf bucket, i.e. the count). */
async function scrape() {
  const res = await fetch(`${live.origin.agentUrl}/metrics`);
  expect(res.status).toBe(200);
  const families = parsePrometheusTextFormat(await res.text());
  return (name: string) =>
    (families.find((f) => f.name === name)?.metrics ?? []).reduce(
      (a, m) => a + Number(m.value ?? m.buckets?.['+Inf'] ?? 0),
      0,
    );
}

describe('stream health and origin metrics', () => {
  it('degrades when the publisher is throttled, recovers when it is restored; /metrics moves', async () => {
    const s = await live.createStream({ ladder: ['source'], latency_mode: 'low', reconnect_window: 120 });
    const health = async () => (await live.stack.api.request<Health>('GET', `/v1/streams/${s.id}/health`)).body;
    const before = await scrape();
    let pub: ChildProcess = live.publish(s.streamKey, { size: '640x360' });
    const swap = async (videoKbps?: number) => {
      pub.kill('SIGKILL');
      await waitExit(pub);
      pub = live.publish(s.streamKey, { size: '640x360', ...(videoKbps ? { videoKbps } : {}) });
    };

    const healthy = await waitFor(
      'healthy samples with the usual bitrate',
      async () => {
        const h = await health();
        const good = h.samples.filter((x) => x.status === 'healthy' && x.input_bitrate_kbps > 800);
        return good.length >= 3 ? h : null;
      },
      60_000,
    );
    expect(healthy.status).toBe('healthy');
    const sessionId = healthy.session_id;
    expect(healthy.samples.some((x) => x.frame_rate !== null && Math.abs(x.frame_rate - 30) < 3)).toBe(true);
    expect(healthy.samples.some((x) => x.upload_lag_ms_p95 !== null)).toBe(true);

    const during = await scrape();
    expect(during('edgelive_origin_live_publications')).toBe(1);
    expect(during('edgelive_origin_segments_total')).toBeGreaterThan(before('edgelive_origin_segments_total'));
    expect(during('edgelive_origin_segments_uploaded_total')).toBeGreaterThan(0);
    expect(during('edgelive_origin_uploaded_bytes_total')).toBeGreaterThan(100_000);
    expect(during('edgelive_origin_upload_latency_seconds')).toBeGreaterThan(0);
    expect(during('edgelive_origin_health_samples_total')).toBeGreaterThan(0);
    expect(during('process_resident_memory_bytes')).toBeGreaterThan(1e6);

    await swap(150);
    const degraded = await waitFor(
      'the throttled input to degrade the session',
      async () => {
        const h = await health();
        return h.status === 'degraded' ? h : null;
      },
      60_000,
    );
    expect(degraded.session_id).toBe(sessionId);
    expect(degraded.reasons).toContain('input_bitrate_low');

    await swap();
    const recovered = await waitFor(
      'the restored input to recover the session',
      async () => {
        const h = await health();
        return h.status === 'healthy' && h.samples.at(-1)!.input_bitrate_kbps > 800 ? h : null;
      },
      60_000,
    );
    expect(recovered.session_id).toBe(sessionId);
    const later = await scrape();
    expect(later('edgelive_origin_segments_total')).toBeGreaterThan(during('edgelive_origin_segments_total'));

    const events = await live.stack.api.request<{ data: { type: string; data: { health: { reasons: string[] } } }[] }>(
      'GET',
      '/v1/events?type=stream.health.*&limit=10',
    );
    const types = events.body.data.map((e) => e.type).reverse();
    expect(types.slice(0, 2)).toEqual(['stream.health.degraded', 'stream.health.recovered']);
    expect(events.body.data.at(-1)?.data.health.reasons).toContain('input_bitrate_low');

    const ctx = await live.browser();
    await ctx.addCookies([
      { name: 'edgelive_session', value: live.stack.demo.account.session_token, url: consoleSite.url },
    ]);
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.goto(`${consoleSite.url}/apps/${live.stack.demo.app.id}/streams/${s.id}`);
    const panel = page.getByRole('region', { name: 'Stream health' });
    await expect
      .poll(() => panel.getByRole('table', { name: 'Health changes' }).textContent(), { timeout: 20_000 })
      .toContain('Input bitrate under half of usual');
    expect(await panel.locator('canvas').count()).toBe(2);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'stream-health');
    pub.kill('SIGKILL');
    await waitExit(pub);
  });
});
