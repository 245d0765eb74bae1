import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { recordedAsset } from '../test/assets';
import { beacon, postBeacon } from '../test/beacons';
import { call, expectError, tenant } from '../test/helpers';

/**
 * Per-asset viewer analytics: beacons sent with an asset's playback id (a stream's recording, or
 * an asset with its own tree such as a URL ingest) count under that asset, not under the live
 * stream that recorded it, and `GET /v1/analytics/...?asset_id=` reads them.
 */
type Overview = { views: number; unique_viewers: number; watch_time_s: number; startup_p50_ms: number | null };

async function read(key: string, query: string) {
  const res = await call(`/v1/analytics/${query}`, { auth: key });
  expect(res.status, res.text).toBe(200);
  return res;
}

/** One view of `seconds` of playing, reported the way the embed reports it (start, then a heartbeat). */
async function watch(pb: string, seconds: number, viewerId?: string) {
  const b = beacon(pb, viewerId ? { viewer_id: viewerId } : {});
  expect((await postBeacon(b)).json).toEqual({ accepted: true });
  const hb = { ...b, seq: 1, event: 'heartbeat', startup_ms: 640, playing_ms: seconds * 1000, rendition: 720 };
  expect((await postBeacon(hb)).json).toEqual({ accepted: true });
}

describe('per-asset analytics', () => {
  it("counts a recording's views under the asset, not the live stream", async () => {
    const t = await tenant();
    const { stream, asset } = await recordedAsset(t.key.token);
    const assetPb = asset.playback_ids[0]!.id;
    await watch(assetPb, 8, 'viewer-a');
    await watch(assetPb, 4, 'viewer-b');
    // A live view of the stream itself, to show the two stay apart.
    await watch(stream.playback_ids[0]!.id, 5, 'viewer-a');
    await env.ANALYTICS.getByName(asset.id).flush();
    await env.ANALYTICS.getByName(stream.id).flush();

    const a = (await read(t.key.token, `overview?asset_id=${asset.id}`)).json as Overview;
    expect(a).toMatchObject({ views: 2, unique_viewers: 2, watch_time_s: 12, startup_p50_ms: 640 });
    const s = (await read(t.key.token, `overview?stream_id=${stream.id}`)).json as Overview;
    expect(s).toMatchObject({ views: 1, unique_viewers: 1, watch_time_s: 5 });
    // The app's totals hold both; a breakdown by source says which is which.
    const app = (await read(t.key.token, 'overview')).json as Overview;
    expect(app).toMatchObject({ views: 3, unique_viewers: 2, watch_time_s: 17 });
    const bySource = (await read(t.key.token, 'breakdown?group_by=source')).json.data as {
      group: string;
      views: number;
      watch_time_s: number;
    }[];
    expect(bySource.map((r) => [r.group, r.views, r.watch_time_s]).sort()).toEqual(
      [
        [asset.id, 2, 12],
        [stream.id, 1, 5],
      ].sort(),
    );
    // The asset's series and its CSV carry the same rows.
    const ts = await read(t.key.token, `timeseries?asset_id=${asset.id}&granularity=minute`);
    const rows = ts.json.data as { views: number; watch_time_s: number }[];
    expect(rows.reduce((n, r) => n + r.views, 0)).toBe(2);
    const csv = await read(t.key.token, `timeseries?asset_id=${asset.id}&granularity=minute&format=csv`);
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(rows.length + 1);
    const header = lines[0]!.split(',');
    expect(lines.slice(1).map((l) => Number(l.split(',')[header.indexOf('watch_time_s')]))).toEqual(
      rows.map((r) => r.watch_time_s),
    );
  });

  it('counts the views of an asset with its own tree (a URL ingest)', async () => {
    const t = await tenant();
    const created = await call('/v1/assets', {
      auth: t.key.token,
      body: { input: 'https://media.example.com/talk.mp4', playback_policies: ['public'] },
    });
    expect(created.status, created.text).toBe(201);
    const asset = created.json as { id: string; playback_ids: { id: string }[] };
    await watch(asset.playback_ids[0]!.id, 6);
    await env.ANALYTICS.getByName(asset.id).flush();
    const o = (await read(t.key.token, `overview?asset_id=${asset.id}`)).json as Overview;
    expect(o).toMatchObject({ views: 1, unique_viewers: 1, watch_time_s: 6 });
  });

  it("answers another app's asset with 404 and both filters at once with 400", async () => {
    const a = await tenant();
    const b = await tenant();
    const { stream, asset } = await recordedAsset(a.key.token);
    expectError(await call(`/v1/analytics/overview?asset_id=${asset.id}`, { auth: b.key.token }), 404, 'not_found');
    expectError(
      await call(`/v1/analytics/overview?asset_id=${asset.id}&stream_id=${stream.id}`, { auth: a.key.token }),
      400,
      'invalid_request',
    );
  });
});
