import { env } from 'cloudflare:workers';
import type { HealthSample } from '@edgelive/shared/stream-health';
import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { createStream, eventTypes, originCall, publish, sessionPath } from '../test/origin';

/**
 * Stream health: the origin's samples of a live session, judged against the session's usual
 * bitrate; `stream.health.degraded` / `.recovered` in the outbox when the verdict changes; the
 * series through `GET /v1/streams/{id}/health`. Bad samples and strangers change nothing.
 */
/** An hour ago: within the retention, which prunes older samples as new ones arrive. */
const T0 = Date.now() - 3_600_000;
let n = 0;
const sample = (over: Partial<HealthSample> = {}): HealthSample => ({
  at: new Date(T0 + 10_000 * n++).toISOString(),
  window_s: 10,
  input_bitrate_kbps: 2500,
  frame_rate: 30,
  keyframe_interval_s: 1,
  segments: 5,
  segments_late: 0,
  segments_dropped: 0,
  upload_lag_ms_p95: 120,
  upload_backlog: 0,
  encoder_restarts: 0,
  ...over,
});

async function live() {
  const t = await tenant();
  const s = await createStream(t.key.token);
  const pub = await publish(s.stream_key);
  expect(pub.status, pub.text).toBe(200);
  const path = `${sessionPath(s.id, pub.json.session_id)}/health`;
  return { t, s, sessionId: pub.json.session_id as string, path };
}

const healthEvents = async (streamId: string) =>
  (await eventTypes(streamId)).filter((t) => t.startsWith('stream.health.'));

describe('stream health', () => {
  it('degrades on a low input bitrate with the reason, recovers, and serves the series', async () => {
    const { t, s, sessionId, path } = await live();
    const send = async (over: Partial<HealthSample>) => {
      const r = await originCall(path, { body: sample(over) });
      expect(r.status, r.text).toBe(200);
      return r.json as { status: string; reasons: string[] };
    };
    for (let i = 0; i < 3; i++) expect((await send({})).status).toBe('healthy');
    // One low sample may be a still scene; the second in a row is a degraded input.
    expect(await send({ input_bitrate_kbps: 300 })).toEqual({ status: 'healthy', reasons: [] });
    expect(await send({ input_bitrate_kbps: 280 })).toEqual({ status: 'degraded', reasons: ['input_bitrate_low'] });
    expect(await send({ input_bitrate_kbps: 290 })).toMatchObject({ status: 'degraded' });
    expect(await healthEvents(s.id)).toEqual(['stream.health.degraded']);
    expect(await send({})).toMatchObject({ status: 'degraded' });
    expect(await send({ input_bitrate_kbps: 2400 })).toEqual({ status: 'healthy', reasons: [] });
    expect(await healthEvents(s.id)).toEqual(['stream.health.degraded', 'stream.health.recovered']);

    const ev = await env.DB.prepare("SELECT data FROM events WHERE object_id = ? AND type = 'stream.health.degraded'")
      .bind(s.id)
      .first<{ data: string }>();
    expect(JSON.parse(ev!.data)).toMatchObject({
      id: s.id,
      session_id: sessionId,
      health: { status: 'degraded', reasons: ['input_bitrate_low'], baseline_bitrate_kbps: 2500 },
    });

    const r = await call(`/v1/streams/${s.id}/health`, { auth: t.key.token });
    expect(r.status, r.text).toBe(200);
    expect(r.json.session_id).toBe(sessionId);
    expect(r.json.status).toBe('healthy');
    expect(r.json.samples.map((x: { status: string }) => x.status)).toEqual([
      'healthy',
      'healthy',
      'healthy',
      'healthy',
      'degraded',
      'degraded',
      'degraded',
      'healthy',
    ]);
    expect(r.json.samples[4]).toMatchObject({
      input_bitrate_kbps: 280,
      reasons: ['input_bitrate_low'],
      frame_rate: 30,
    });
    const times = r.json.samples.map((x: { at: string }) => Date.parse(x.at));
    expect(times).toEqual([...times].sort((a: number, b: number) => a - b));
    const last2 = await call(`/v1/streams/${s.id}/health?limit=2`, { auth: t.key.token });
    expect(last2.json.samples.map((x: { at: string }) => x.at)).toEqual(
      r.json.samples.slice(-2).map((x: { at: string }) => x.at),
    );
  });

  it('degrades at once on an encoder restart and late segments; a repeated sample is judged once', async () => {
    const { s, path } = await live();
    const first = sample({});
    expect((await originCall(path, { body: first })).json.status).toBe('healthy');
    const restart = sample({ encoder_restarts: 1, segments_late: 1 });
    const a = await originCall(path, { body: restart });
    expect(a.json).toEqual({ status: 'degraded', reasons: ['segments_late', 'encoder_restarting'] });
    const again = await originCall(path, { body: restart });
    expect(again.json).toEqual(a.json);
    expect(await healthEvents(s.id)).toEqual(['stream.health.degraded']);
  });

  it('degrades on segments the origin dropped, and keeps the count in the series', async () => {
    const { t, s, path } = await live();
    expect((await originCall(path, { body: sample({}) })).json.status).toBe('healthy');
    const a = await originCall(path, { body: sample({ segments_dropped: 3, upload_backlog: 2 }) });
    expect(a.json).toEqual({ status: 'degraded', reasons: ['segments_dropped'] });
    const r = await call(`/v1/streams/${s.id}/health`, { auth: t.key.token });
    expect(r.json.samples.map((x: { segments_dropped: number }) => x.segments_dropped)).toEqual([0, 3]);
  });

  it('refuses bad samples, other origins and other tenants, and changes nothing', async () => {
    const { t, s, path } = await live();
    expect((await originCall(path, { body: { ...sample(), input_bitrate_kbps: -5 } })).status).toBe(400);
    expect((await originCall(path, { body: { at: 'now' } })).status).toBe(400);
    expect((await originCall(path, { raw: 'not json', method: 'POST' })).status).toBe(400);
    const big = await originCall(path, { body: { ...sample(), pad: 'x'.repeat(8000) } });
    expect(big.status).toBe(413);
    // Only the origin running the session may report on it.
    expect((await originCall(path, { body: sample(), origin: 'orig_local2' })).status).toBe(409);
    const unknown = path.replace(/lsn_[A-Za-z0-9]+/, 'lsn_AAAAAAAAAAAAAAAAAAAA');
    expect([404, 409]).toContain((await originCall(unknown, { body: sample() })).status);
    const none = await call(`/v1/streams/${s.id}/health`, { auth: t.key.token });
    expect(none.json).toEqual({ session_id: null, status: null, reasons: [], samples: [] });
    const other = await tenant();
    expectError(await call(`/v1/streams/${s.id}/health`, { auth: other.key.token }), 404);
    expectError(await call(`/v1/streams/${s.id}/health?limit=0`, { auth: t.key.token }), 400);
  });
});
