import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../core/env';
import { beacon } from '../../workers/test/beacons';
import type { AnalyticsObject } from './analytics.do';
import type { IngestInput } from './contract';
import { DATA_POINT_LAYOUT } from './data-points';

/**
 * Workers Analytics Engine beside the D1 roll-up. Analytics Engine itself does not run locally
 * (miniflare's dataset drops every point), so the object's binding is swapped, inside workerd, for
 * one that keeps what it is given; the points must then add up to what D1 holds.
 */
const input = (over: Partial<IngestInput['beacon']>, b: IngestInput['beacon']): IngestInput => ({
  beacon: { ...b, ...over },
  appId: 'app_datapoints',
  streamId: 'str_datapoints',
  roomId: null,
  address: '192.0.2.9',
  country: 'NL',
  browser: 'Chromium',
  os: 'Linux',
});

describe('Analytics Engine data points', () => {
  it('writes one point per accepted beacon, adding up to the D1 roll-up', async () => {
    const stub = env.ANALYTICS.getByName('str_datapoints');
    const points: AnalyticsEngineDataPoint[] = [];
    const recorder: AnalyticsEngineDataset = { writeDataPoint: (p) => void points.push(p ?? {}) };
    const b = beacon('pb_datapoints');
    const result = await runInDurableObject(stub, async (o: AnalyticsObject) => {
      const self = o as unknown as { env: Env };
      self.env = { ...self.env, VIEWER_EVENTS: recorder };
      const now = Date.now();
      await o.ingest(input({}, b), now);
      await o.ingest(input({ seq: 1, event: 'heartbeat', startup_ms: 700, playing_ms: 9000, rendition: 480 }, b), now);
      // A repeat changes nothing, so it writes nothing either.
      await o.ingest(input({ seq: 1, event: 'heartbeat', startup_ms: 700, playing_ms: 9000, rendition: 480 }, b), now);
      await o.ingest(input({ seq: 2, event: 'heartbeat', playing_ms: 15_000, rendition: 480 }, b), now);
      return o.flush();
    });
    expect(result.views).toBe(1);
    expect(points).toHaveLength(3);
    const col = (name: (typeof DATA_POINT_LAYOUT.doubles)[number]) =>
      points.reduce((n, p) => n + (p.doubles?.[DATA_POINT_LAYOUT.doubles.indexOf(name)] ?? 0), 0);
    const blob = (p: AnalyticsEngineDataPoint, name: (typeof DATA_POINT_LAYOUT.blobs)[number]) =>
      p.blobs?.[DATA_POINT_LAYOUT.blobs.indexOf(name)];
    expect(points.every((p) => p.indexes?.[0] === 'app_datapoints')).toBe(true);
    expect(points.map((p) => blob(p, 'subject_id'))).toEqual(['str_datapoints', 'str_datapoints', 'str_datapoints']);
    expect(points.map((p) => blob(p, 'event'))).toEqual(['view_start', 'heartbeat', 'heartbeat']);
    expect(blob(points[1]!, 'rendition')).toBe('480');
    const d1 = await env.DB.prepare(
      `SELECT sum(views_started) AS views, sum(watch_ms) AS watch, sum(startup_sum_ms) AS startup, sum(startup_count) AS n
       FROM analytics_rollups WHERE granularity = 'minute' AND stream_id = ?`,
    )
      .bind('str_datapoints')
      .first<{ views: number; watch: number; startup: number; n: number }>();
    expect(d1).toEqual({ views: 1, watch: 15_000, startup: 700, n: 1 });
    expect({
      views: col('views_started'),
      watch: col('watch_ms'),
      startup: col('startup_ms'),
      n: col('startup_count'),
    }).toEqual(d1);
  });

  it('ingests as before with the local dataset bound (miniflare drops the points)', async () => {
    expect(typeof env.VIEWER_EVENTS?.writeDataPoint).toBe('function');
    const stub = env.ANALYTICS.getByName('str_datapoints_local');
    const b = beacon('pb_datapoints_local');
    const r = await stub.ingest({ ...input({}, b), streamId: 'str_datapoints_local' });
    expect(r).toEqual({ ok: true, accepted: true });
  });
});
