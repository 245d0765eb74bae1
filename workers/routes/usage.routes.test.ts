import { exports } from 'cloudflare:workers';
import type { MeterName } from '@edgelive/shared/usage';
import { describe, expect, it } from 'vitest';
import { BASE, call, expectError, tenant } from '../test/helpers';
import { createStream, publish, uploadSegment } from '../test/origin';
import { playbackFixture } from '../test/playback';

/** Usage metering (issue 15): each meter counts exactly what was done, in every granularity. */

const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(`${BASE}${path}`, { headers }));

type Usage = {
  totals: Record<MeterName, number>;
  data: { time: string; meter: string; quantity: number; stream_id?: string }[];
};

/** Flushes happen about a second after the work: poll (bounded) until the figure arrives. */
async function usageUntil(auth: string, query: string, ok: (u: Usage) => boolean): Promise<Usage> {
  let last: Usage | null = null;
  for (let i = 0; i < 40; i++) {
    const res = await call(`/v1/usage?${query}`, { auth });
    expect(res.status, res.text).toBe(200);
    last = res.json as Usage;
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last!;
}

describe('usage meters', () => {
  it('counts delivered seconds and bytes per segment served, cache hits and ranges included', async () => {
    const f = await playbackFixture();
    const path = `/hls/${f.publicPb}/${f.sessionId}/720p/0.ts`;
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const res = await get(path);
      expect(res.status).toBe(200);
      bytes += (await res.arrayBuffer()).byteLength;
      await new Promise((r) => setTimeout(r, 30));
    }
    const size = bytes / 3;
    const part = await get(path, { range: 'bytes=0-187' });
    expect(part.status).toBe(206);
    await part.arrayBuffer();
    // A 304 and a HEAD send no media: not delivered.
    const etag = (await get(path)).headers.get('etag')!;
    bytes += size;
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    const expectedBytes = bytes + 188;
    // uploadSegment's segments are 2 s: four whole copies and 188/size of one.
    const expectedSeconds = 4 * 2 + (2 * 188) / size;
    const u = await usageUntil(f.keyToken, 'granularity=minute', (u) => u.totals.delivered_bytes >= expectedBytes);
    expect(u.totals.delivered_bytes).toBe(expectedBytes);
    expect(u.totals.delivered_seconds).toBeCloseTo(expectedSeconds, 6);
  });

  it('counts encoded seconds by height class and ingest from the first rendition, per stream', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { ladder: ['source', '720p', '360p'] });
    const pub = await publish(s.stream_key);
    expect(pub.status, pub.text).toBe(200);
    const session = pub.json.session_id as string;
    const at = new Date();
    for (const [rendition, seq] of [
      ['source', 0],
      ['source', 1],
      ['720p', 0],
      ['720p', 1],
      ['360p', 0],
    ] as const) {
      const up = await uploadSegment(s.id, session, rendition, seq, { duration: 1.5, pdt: at });
      expect(up.status, up.text).toBe(201);
    }
    // The same segment again (an origin retry) is not counted twice.
    expect((await uploadSegment(s.id, session, '720p', 1, { duration: 1.5, pdt: at })).status).toBe(200);
    const u = await usageUntil(t.key.token, 'granularity=hour&group_by=stream', (u) => u.totals.encoded_seconds_sd > 0);
    expect(u.totals.ingest_seconds).toBe(3);
    expect(u.totals.encoded_seconds_hd).toBe(3);
    expect(u.totals.encoded_seconds_sd).toBe(1.5);
    expect(u.totals.encoded_seconds_uhd).toBe(0);
    expect(u.data.filter((r) => r.meter === 'ingest_seconds').map((r) => r.stream_id)).toEqual([s.id]);
    // Every flush adds to the minute, hour and day at once: all four granularities agree exactly.
    for (const g of ['minute', 'hour', 'day', 'month']) {
      const res = await call(`/v1/usage?granularity=${g}&meter=encoded_seconds_hd,ingest_seconds`, {
        auth: t.key.token,
      });
      expect(res.json.totals, g).toMatchObject({ encoded_seconds_hd: 3, ingest_seconds: 3, delivered_bytes: 0 });
    }
  });

  it('counts API requests of the app and exports usage as CSV', async () => {
    const t = await tenant();
    for (let i = 0; i < 5; i++) expect((await call('/v1/streams', { auth: t.key.token })).status).toBe(200);
    const minute = await usageUntil(
      t.key.token,
      'granularity=minute&meter=api_requests',
      (u) => u.totals.api_requests >= 5,
    );
    const n = minute.totals.api_requests;
    expect(n).toBeGreaterThanOrEqual(5);
    for (const g of ['hour', 'day', 'month']) {
      const res = await call(`/v1/usage?granularity=${g}&meter=api_requests`, { auth: t.key.token });
      // Each read is itself an API request of the app: the figures only grow.
      expect(res.json.totals.api_requests).toBeGreaterThanOrEqual(n);
      expect(res.json.data.every((r: { meter: string }) => r.meter === 'api_requests')).toBe(true);
    }
    const csv = await get('/v1/usage?granularity=day&format=csv&meter=api_requests', {
      authorization: `Bearer ${t.key.token}`,
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('time,meter,unit,quantity,stream_id,app_id,target_id,kind');
    expect(lines[1]).toMatch(/^\d{4}-\d\d-\d\dT00:00:00\.000Z,api_requests,request,\d+,,,,$/);
  });

  it('refuses bad windows, unknown meters and another app’s stream, with the error envelope', async () => {
    const t = await tenant();
    const other = await tenant();
    const s = await createStream(other.key.token);
    expectError(await call('/v1/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { auth: t.key.token }), 400);
    expectError(await call('/v1/usage?meter=bananas', { auth: t.key.token }), 400);
    expectError(await call('/v1/usage?granularity=week', { auth: t.key.token }), 400);
    expectError(await call('/v1/usage?group_by=app', { auth: t.key.token }), 400);
    expectError(await call(`/v1/usage?stream_id=${s.id}`, { auth: t.key.token }), 404);
    expectError(
      await call('/v1/usage?granularity=minute&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', {
        auth: t.key.token,
      }),
      400,
    );
  });

  it('sums every app of an org at /v1/orgs/{id}/usage, per app', async () => {
    const t = await tenant();
    for (let i = 0; i < 3; i++) await call('/v1/streams', { auth: t.key.token });
    await usageUntil(t.key.token, 'meter=api_requests', (u) => u.totals.api_requests >= 3);
    const res = await call(`/v1/orgs/${t.acct.orgId}/usage?group_by=app&meter=api_requests`, { auth: t.acct.token });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.every((r: { app_id: string }) => r.app_id === t.app.id)).toBe(true);
    expect(res.json.totals.api_requests).toBeGreaterThanOrEqual(3);
    const stranger = await tenant();
    expectError(await call(`/v1/orgs/${t.acct.orgId}/usage`, { auth: stranger.acct.token }), 404);
  });
});
