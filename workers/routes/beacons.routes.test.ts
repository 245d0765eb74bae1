import { env } from 'cloudflare:workers';
import { BEACON_LIMITS } from '@edgelive/shared/beacons';
import { describe, expect, it } from 'vitest';
import { beacon, postBeacon } from '../test/beacons';
import { call, expectError, tenant } from '../test/helpers';
import { createStream } from '../test/origin';

/** `POST /v1/beacons`: what a player may send, and that a bad or excessive beacon changes nothing. */
async function fixture() {
  const t = await tenant();
  const s = await createStream(t.key.token, { playback_policies: ['public'] });
  return { t, streamId: s.id, pb: s.playback_ids[0]!.id };
}

/** What the stream's analytics hold once the object has flushed to D1. */
async function overview(key: string, streamId: string) {
  await env.ANALYTICS.getByName(streamId).flush();
  const res = await call(`/v1/analytics/overview?stream_id=${streamId}`, { auth: key });
  expect(res.status, res.text).toBe(200);
  return res.json as {
    views: number;
    unique_viewers: number;
    watch_time_s: number;
    errors: number;
    dropped_frames: number;
    dropped_frame_ratio: number;
  };
}

describe('beacons', () => {
  it('accepts a valid beacon as text/plain (sendBeacon) and as JSON, without credentials', async () => {
    const f = await fixture();
    const b = beacon(f.pb);
    const res = await postBeacon(b);
    expect(res.status, res.text).toBe(202);
    expect(res.json).toEqual({ accepted: true });
    const next = await postBeacon({ ...b, seq: 1, event: 'heartbeat', playing_ms: 1000 }, { type: 'application/json' });
    expect(next.status, next.text).toBe(202);
    // The same beacon again is a repeat: accepted as a request, ignored as data.
    expect((await postBeacon({ ...b, seq: 1, event: 'heartbeat', playing_ms: 1000 })).json).toEqual({
      accepted: false,
    });
    const o = await overview(f.t.key.token, f.streamId);
    expect(o).toMatchObject({ views: 1, unique_viewers: 1, watch_time_s: 1 });
  });

  it('answers bad shapes, wrong types, unknown ids and oversize bodies with 4xx and changes nothing', async () => {
    const f = await fixture();
    const good = beacon(f.pb);
    const cases: [string, () => ReturnType<typeof postBeacon>, number, string][] = [
      ['not JSON', () => postBeacon(null, { raw: '{nope' }), 400, 'invalid_request'],
      ['an array', () => postBeacon([good]), 400, 'invalid_request'],
      ['a missing field', () => postBeacon({ ...good, view_id: undefined }), 400, 'invalid_request'],
      ['an unknown field', () => postBeacon({ ...good, extra: 1 }), 400, 'invalid_request'],
      ['a negative counter', () => postBeacon({ ...good, playing_ms: -5 }), 400, 'invalid_request'],
      ['an absurd counter', () => postBeacon({ ...good, playing_ms: 1e12 }), 400, 'invalid_request'],
      ['a bad view id', () => postBeacon({ ...good, view_id: 'a b<script>' }), 400, 'invalid_request'],
      ['an unknown event', () => postBeacon({ ...good, event: 'explode' }), 400, 'invalid_request'],
      [
        'an unknown playback id',
        () => postBeacon({ ...good, playback_id: 'pb_doesnotexist00000000' }),
        404,
        'not_found',
      ],
      ['a stream id for a playback id', () => postBeacon({ ...good, playback_id: f.streamId }), 404, 'not_found'],
      [
        'another content type',
        () => postBeacon(good, { type: 'application/x-www-form-urlencoded' }),
        415,
        'unsupported_media_type',
      ],
      [
        'an oversize body',
        () => postBeacon(null, { raw: JSON.stringify({ ...good, player: 'x'.repeat(BEACON_LIMITS.maxBodyBytes) }) }),
        413,
        'payload_too_large',
      ],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      expect(res.status, `${name}: ${res.text}`).toBe(status);
      expectError(res, status, code);
    }
    const o = await overview(f.t.key.token, f.streamId);
    expect(o).toMatchObject({ views: 0, unique_viewers: 0, watch_time_s: 0 });
  });

  it('refuses a flood from one view with 429, counting nothing past the limit', async () => {
    const f = await fixture();
    const b = beacon(f.pb);
    const statuses: number[] = [];
    // Start just after a minute boundary so the whole flood falls in one window.
    while (Date.now() % 60_000 > 50_000) await new Promise((r) => setTimeout(r, 500));
    for (let seq = 0; seq < BEACON_LIMITS.perViewPerMinute + 5; seq++) {
      statuses.push(
        (await postBeacon({ ...b, seq, event: 'heartbeat', playing_ms: seq * 100 }, { ip: '198.51.100.7' })).status,
      );
    }
    expect(statuses.slice(0, BEACON_LIMITS.perViewPerMinute).every((s) => s === 202)).toBe(true);
    const refused = await postBeacon({ ...b, seq: 999, playing_ms: 99_000 }, { ip: '198.51.100.7' });
    expectError(refused, 429, 'beacon_rate_limited');
    const o = await overview(f.t.key.token, f.streamId);
    // Only the accepted beacons count: playing time of seq 29 (2.9 s).
    expect(o.watch_time_s).toBe(((BEACON_LIMITS.perViewPerMinute - 1) * 100) / 1000);
  });

  it('refuses a flood of views from one address with 429', async () => {
    const f = await fixture();
    let last = 0;
    // The window is the clock minute: a run that straddles a minute boundary may need twice as many.
    for (let i = 0; i <= 2 * BEACON_LIMITS.perAddressPerMinute; i++) {
      last = (await postBeacon(beacon(f.pb), { ip: '198.51.100.99' })).status;
      if (last === 429) break;
    }
    expect(last).toBe(429);
    // Another address is unaffected.
    expect((await postBeacon(beacon(f.pb), { ip: '198.51.100.100' })).status).toBe(202);
    // Up to 1,200 requests, which the analytics object takes one at a time: past 30 s on a loaded machine.
  }, 120_000);

  it('never lets a view claim more playing time than the wall clock allows', async () => {
    const f = await fixture();
    const b = beacon(f.pb);
    await postBeacon(b);
    await postBeacon({ ...b, seq: 1, event: 'heartbeat', playing_ms: 86_000_000 });
    const o = await overview(f.t.key.token, f.streamId);
    expect(o.watch_time_s).toBeLessThan(20);
  });

  it("does not let another viewer rewrite a view's numbers", async () => {
    const f = await fixture();
    const b = beacon(f.pb, { playing_ms: 1000 });
    await postBeacon(b);
    const res = await postBeacon({ ...b, viewer_id: 'intruder00', seq: 5, playing_ms: 5000 });
    expect(res.json).toEqual({ accepted: false });
    expect((await overview(f.t.key.token, f.streamId)).watch_time_s).toBe(1);
  });

  it('folds dropped frames into a dropped-frame ratio per stream, in the breakdowns and the CSV too', async () => {
    const f = await fixture();
    const a = beacon(f.pb, { rendition: 360, dropped_frames: 0, total_frames: 0 });
    await postBeacon(a);
    await postBeacon({ ...a, seq: 1, event: 'heartbeat', playing_ms: 10_000, dropped_frames: 6, total_frames: 300 });
    // Cumulative: a repeat of the same counts, or counts that went down, add nothing.
    await postBeacon({ ...a, seq: 2, event: 'heartbeat', playing_ms: 10_000, dropped_frames: 6, total_frames: 300 });
    await postBeacon({ ...a, seq: 3, event: 'heartbeat', playing_ms: 10_000, dropped_frames: 2, total_frames: 100 });
    // A second view whose player does not report frames counts none (the fields are optional).
    const b = beacon(f.pb, { rendition: 360 });
    await postBeacon(b);
    await postBeacon({ ...b, seq: 1, event: 'heartbeat', playing_ms: 5000 });
    // A view cannot claim more frames than the wall clock allows (240 a second), nor drop more than it decoded.
    const c = beacon(f.pb, { rendition: 720 });
    await postBeacon({ ...c, dropped_frames: 24_000_000, total_frames: 24_000_000 });
    const o = await overview(f.t.key.token, f.streamId);
    expect(o.dropped_frames).toBe(6 + 60 * 240);
    expect(o.dropped_frame_ratio).toBeCloseTo((6 + 14_400) / (300 + 14_400), 4);

    const byRendition = await call(`/v1/analytics/breakdown?stream_id=${f.streamId}&group_by=rendition`, {
      auth: f.t.key.token,
    });
    expect(byRendition.status, byRendition.text).toBe(200);
    const rows = (
      byRendition.json as { data: { group: string; dropped_frames: number; dropped_frame_ratio: number }[] }
    ).data;
    expect(rows.find((r) => r.group === '360')).toMatchObject({ dropped_frames: 6, dropped_frame_ratio: 0.02 });
    expect(rows.find((r) => r.group === '720')).toMatchObject({ dropped_frames: 14_400, dropped_frame_ratio: 1 });
    const csv = await call(`/v1/analytics/breakdown?stream_id=${f.streamId}&group_by=rendition&format=csv`, {
      auth: f.t.key.token,
    });
    const [header, ...lines] = csv.text.trim().split('\r\n');
    const col = header!.split(',').indexOf('dropped_frame_ratio');
    expect(col).toBeGreaterThan(0);
    expect(lines.map((l) => Number(l.split(',')[col]))).toEqual(rows.map((r) => r.dropped_frame_ratio));
  });
});
