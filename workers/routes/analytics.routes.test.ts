import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { IngestInput } from '../../durable-objects/analytics/contract';
import { beacon } from '../test/beacons';
import { call, expectError, tenant } from '../test/helpers';
import { createStream } from '../test/origin';

/**
 * `GET /v1/analytics/...` over beacons fed straight to the stream's analytics object at chosen
 * times (its `ingest(input, now)`), so minutes in different hours and days can be made in one test.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A fixed midnight in the past, so buckets do not move while the test runs. */
const DAY0 = Date.UTC(2026, 5, 1);

async function fixture() {
  const t = await tenant();
  const s = await createStream(t.key.token, { playback_policies: ['public'] });
  return { t, streamId: s.id, pb: s.playback_ids[0]!.id };
}

type F = Awaited<ReturnType<typeof fixture>>;
type Beacon = ReturnType<typeof beacon>;

/** The object's input for one viewer's beacon `b`, changed by `over`, seen from a fixed address and browser. */
const ingestInput =
  (f: F, b: Beacon, dims: Partial<IngestInput> = {}) =>
  (over: Partial<Beacon>): IngestInput => ({
    beacon: { ...b, ...over },
    appId: f.t.app.id,
    streamId: f.streamId,
    roomId: null,
    address: '192.0.2.1',
    country: 'DE',
    browser: 'Firefox',
    os: 'Linux',
    ...dims,
  });

/** One view: a start beacon at `at`, then a beacon per 10 s of playing for `seconds`. */
async function view(f: F, at: number, seconds: number, dims: Partial<IngestInput> = {}, viewerId?: string) {
  const stub = env.ANALYTICS.getByName(f.streamId);
  const b = beacon(f.pb, viewerId ? { viewer_id: viewerId } : {});
  const input = ingestInput(f, b, dims);
  await stub.ingest(input({ startup_ms: 800, rendition: 360 }), at);
  for (let s = 10, seq = 1; s <= seconds; s += 10, seq++) {
    await stub.ingest(
      input({ seq, event: 'heartbeat', startup_ms: 800, playing_ms: s * 1000, rendition: 360, live_latency_ms: 4000 }),
      at + s * 1000,
    );
  }
}

const get = async (f: F, path: string) => {
  const res = await call(`/v1/analytics/${path}`, { auth: f.t.key.token });
  expect(res.status, res.text).toBe(200);
  return res;
};

describe('analytics roll-ups', () => {
  it('minute, hour and day series add up to the same totals', async () => {
    const f = await fixture();
    // Three views over two hours of one day and one of the next.
    await view(f, DAY0 + 10 * HOUR + 5_000, 30);
    await view(f, DAY0 + 11 * HOUR + 5_000, 50, { country: 'FR', browser: 'Chromium' });
    await view(f, DAY0 + DAY + 2 * HOUR + 5_000, 20);
    await env.ANALYTICS.getByName(f.streamId).flush();
    const window = `from=${new Date(DAY0).toISOString()}&to=${new Date(DAY0 + 2 * DAY).toISOString()}&stream_id=${f.streamId}`;
    const totals: Record<string, { views: number; watch: number }> = {};
    for (const g of ['minute', 'hour', 'day']) {
      const { json } = await get(f, `timeseries?${window}&granularity=${g}`);
      const data = json.data as { views: number; watch_time_s: number }[];
      totals[g] = { views: data.reduce((a, d) => a + d.views, 0), watch: data.reduce((a, d) => a + d.watch_time_s, 0) };
      if (g === 'hour') expect(data).toHaveLength(3);
      if (g === 'day') expect(data.map((d) => d.views)).toEqual([2, 1]);
    }
    expect(totals.minute).toEqual({ views: 3, watch: 100 });
    expect(totals.hour).toEqual(totals.minute);
    expect(totals.day).toEqual(totals.minute);

    const { json: o } = await get(f, `overview?${window}`);
    expect(o).toMatchObject({
      views: 3,
      unique_viewers: 3,
      watch_time_s: 100,
      startup_p50_ms: 800,
      startup_p95_ms: 800,
    });
    expect(o.live_latency_avg_ms).toBe(4000);
    expect(o.peak_concurrent_viewers).toBe(1);

    const { json: by } = await get(f, `breakdown?${window}&group_by=country`);
    expect(by.data.map((r: { group: string; views: number }) => [r.group, r.views])).toEqual([
      ['DE', 2],
      ['FR', 1],
    ]);
    const { json: browsers } = await get(f, `overview?${window}&browser=Chromium`);
    expect(browsers).toMatchObject({ views: 1, watch_time_s: 50 });
  });

  it('counts a returning viewer once among unique viewers, and concurrent viewers per minute', async () => {
    const f = await fixture();
    const at = DAY0 + 3 * HOUR;
    await view(f, at, 40, {}, 'viewer-same-1');
    await view(f, at + 1000, 40, {}, 'viewer-same-1');
    await view(f, at + 2000, 40, {}, 'viewer-other');
    await env.ANALYTICS.getByName(f.streamId).flush();
    const window = `from=${new Date(at).toISOString()}&to=${new Date(at + HOUR).toISOString()}&stream_id=${f.streamId}`;
    const { json: o } = await get(f, `overview?${window}`);
    expect(o).toMatchObject({ views: 3, unique_viewers: 2, peak_concurrent_viewers: 3 });
    const { json: ts } = await get(f, `timeseries?${window}&granularity=minute`);
    expect(ts.data[0].concurrent_viewers).toBe(3);
  });

  it('counts a view that switched rendition within a minute as one concurrent viewer', async () => {
    const f = await fixture();
    const at = DAY0 + 4 * HOUR;
    const stub = env.ANALYTICS.getByName(f.streamId);
    const b = beacon(f.pb);
    const input = ingestInput(f, b);
    await stub.ingest(input({ rendition: null }), at);
    await stub.ingest(input({ seq: 1, rendition: 360, playing_ms: 5000 }), at + 5000);
    await stub.ingest(input({ seq: 2, rendition: 720, playing_ms: 10_000 }), at + 10_000);
    await stub.flush();
    const window = `from=${new Date(at).toISOString()}&to=${new Date(at + HOUR).toISOString()}&stream_id=${f.streamId}`;
    const { json: o } = await get(f, `overview?${window}`);
    expect(o).toMatchObject({ views: 1, peak_concurrent_viewers: 1, watch_time_s: 10 });
    const { json: by } = await get(f, `breakdown?${window}&group_by=rendition`);
    expect(by.data.map((r: { group: string; watch_time_s: number }) => [r.group, r.watch_time_s])).toEqual([
      ['', 0],
      ['360', 5],
      ['720', 5],
    ]);
  });

  it('exports the same rows as CSV', async () => {
    const f = await fixture();
    await view(f, DAY0 + 5 * HOUR, 30);
    await view(f, DAY0 + 5 * HOUR + 70_000, 30, { country: 'US' });
    await env.ANALYTICS.getByName(f.streamId).flush();
    const q = `from=${new Date(DAY0).toISOString()}&to=${new Date(DAY0 + DAY).toISOString()}&granularity=minute&group_by=country`;
    const { json } = await get(f, `timeseries?${q}`);
    const res = await get(f, `timeseries?${q}&format=csv`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = res.text.trim().split('\r\n');
    const cols = header!.split(',');
    expect(cols.slice(0, 3)).toEqual(['time', 'group', 'views']);
    const parsed = lines.map((l) =>
      Object.fromEntries(
        l.split(',').map((v, i) => [cols[i], v === '' ? null : Number.isNaN(Number(v)) ? v : Number(v)]),
      ),
    );
    expect(parsed).toEqual(json.data);
  });

  it("answers 404 for another app's stream and 400 for a bad window", async () => {
    const f = await fixture();
    const other = await fixture();
    expectError(await call(`/v1/analytics/overview?stream_id=${other.streamId}`, { auth: f.t.key.token }), 404);
    expectError(
      await call('/v1/analytics/timeseries?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', { auth: f.t.key.token }),
      400,
    );
    expectError(
      await call('/v1/analytics/timeseries?from=2020-01-01T00:00:00Z&granularity=minute', { auth: f.t.key.token }),
      400,
    );
    expectError(await call('/v1/analytics/breakdown?group_by=shoe', { auth: f.t.key.token }), 400);
  });
});
