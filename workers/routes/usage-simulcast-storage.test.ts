import { env } from 'cloudflare:workers';
import { bucketOf } from '@edgelive/shared/usage';
import { describe, expect, it } from 'vitest';
import { BYTE_HOURS_PER_GB_MONTH } from '../../core/billing/plans';
import { createDb } from '../../core/db/client';
import { latestStoredBytes, sampleAppStorage, sampleStoredBytes } from '../services/stored-usage.service';
import { call, tenant } from '../test/helpers';
import { createStream, originCall } from '../test/origin';

/** The simulcast_seconds and stored_byte_hours meters (issue 15), counted exactly. */

type Usage = { totals: Record<string, number>; data: { meter: string; quantity: number; stream_id?: string }[] };

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

const eventsOf = async (objectId: string) =>
  (
    await env.DB.prepare('SELECT type FROM events WHERE object_id = ? ORDER BY created_at, rowid')
      .bind(objectId)
      .all<{ type: string }>()
  ).results.map((r) => r.type);

describe('simulcast_seconds', () => {
  it('adds the seconds each push report carries, per stream, old revisions included, and refuses bad ones', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { name: 'sim' });
    const target = await call(`/v1/streams/${s.id}/simulcast-targets`, {
      auth: t.key.token,
      body: { url: 'rtmp://example.com/live/k' },
    });
    const path = `/internal/origin/streams/${s.id}/simulcast-targets/${target.json.id}/status`;
    for (const body of [
      { status: 'starting', revision: 1 },
      { status: 'broadcasting', revision: 1 },
      { status: 'broadcasting', revision: 1, broadcast_seconds: 30 },
      { status: 'broadcasting', revision: 1, broadcast_seconds: 29.75 },
      { status: 'errored', revision: 1, error: 'reset', broadcast_seconds: 4.5 },
    ]) {
      const res = await originCall(path, { body });
      expect(res.status, res.text).toBe(204);
    }
    // A changed target (revision 2): the old push's last report is ignored as a status, but its
    // seconds were pushed.
    const patched = await call(`/v1/streams/${s.id}/simulcast-targets/${target.json.id}`, {
      method: 'PATCH',
      auth: t.key.token,
      body: { url: 'rtmp://example.com/other/k' },
    });
    expect(patched.status, patched.text).toBe(200);
    const late = await originCall(path, { body: { status: 'broadcasting', revision: 1, broadcast_seconds: 0.25 } });
    expect(late.status, late.text).toBe(204);
    expect(
      (await originCall(path, { body: { status: 'broadcasting', revision: 1, broadcast_seconds: -1 } })).status,
    ).toBe(400);
    expect(
      (await originCall(path, { body: { status: 'broadcasting', revision: 1, broadcast_seconds: 7200 } })).status,
    ).toBe(400);
    // A second target of the same stream pushes at the same time: metered on its own.
    const second = await call(`/v1/streams/${s.id}/simulcast-targets`, {
      auth: t.key.token,
      body: { url: 'rtmp://example.net/live/k2' },
    });
    const path2 = `/internal/origin/streams/${s.id}/simulcast-targets/${second.json.id}/status`;
    for (const body of [
      { status: 'broadcasting', revision: 1 },
      { status: 'broadcasting', revision: 1, broadcast_seconds: 10 },
    ]) {
      expect((await originCall(path2, { body })).status).toBe(204);
    }
    const u = await usageUntil(
      t.key.token,
      'granularity=hour&group_by=stream&meter=simulcast_seconds',
      (u) => (u.totals.simulcast_seconds ?? 0) >= 74.5,
    );
    expect(u.totals.simulcast_seconds).toBe(74.5);
    expect(u.data.map((r) => r.stream_id)).toEqual([s.id]);
    // Per target: each push's own seconds, in JSON and CSV.
    const byTarget = await call('/v1/usage?granularity=day&group_by=target&meter=simulcast_seconds', {
      auth: t.key.token,
    });
    expect(byTarget.json.group_by).toBe('target');
    const perTarget = Object.fromEntries(
      byTarget.json.data.map((r: { target_id: string; quantity: number }) => [r.target_id, r.quantity]),
    );
    expect(perTarget).toEqual({ [target.json.id]: 64.5, [second.json.id]: 10 });
    const csv = await call('/v1/usage?granularity=day&group_by=target&meter=simulcast_seconds&format=csv', {
      auth: t.key.token,
    });
    expect(csv.text).toContain(`,simulcast_seconds,second,10,,,${second.json.id},`);
    // The status followed the reports as before; the old revision's report did not move it.
    const got = await call(`/v1/streams/${s.id}/simulcast-targets/${target.json.id}`, { auth: t.key.token });
    expect(got.json.status).toBe('errored');
    expect(await eventsOf(target.json.id)).toEqual([
      'simulcast_target.created',
      'simulcast_target.starting',
      'simulcast_target.broadcasting',
      'simulcast_target.errored',
    ]);
  });
});

describe('stored_byte_hours', () => {
  it('samples an app’s R2 bytes once an hour, per stream, in every granularity', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { name: 'stored' });
    await env.MEDIA.put(`recordings/${s.id}/ses_x/720p/0.ts`, new Uint8Array(1500));
    await env.MEDIA.put(`live/${s.id}/ses_x/720p/1.ts`, new Uint8Array(500));
    await env.MEDIA.put(`thumbnails/${s.id}/latest.jpg`, new Uint8Array(100));
    // Another app's stream of the same shape is not this app's.
    const other = await tenant();
    const os = await createStream(other.key.token);
    await env.MEDIA.put(`recordings/${os.id}/ses_y/0.ts`, new Uint8Array(9999));

    const db = createDb(env.DB);
    const now = Date.now();
    expect(await sampleAppStorage(db, env, t.app.id, now)).toBe(true);
    // The same hour again (another sweep, a retry): not sampled twice.
    expect(await sampleAppStorage(db, env, t.app.id, now + 1000)).toBe(false);
    const byStream = await call('/v1/usage?granularity=hour&group_by=stream&meter=stored_byte_hours', {
      auth: t.key.token,
    });
    expect(byStream.json.totals.stored_byte_hours).toBe(2100);
    expect(byStream.json.data.filter((r: { quantity: number }) => r.quantity > 0)).toMatchObject([
      { stream_id: s.id, quantity: 2100 },
    ]);
    for (const g of ['minute', 'day', 'month']) {
      const res = await call(`/v1/usage?granularity=${g}&meter=stored_byte_hours`, { auth: t.key.token });
      expect(res.json.totals.stored_byte_hours, g).toBe(2100);
    }
    // The next hour's sample adds another hour of the bytes held then; the limit reads the latest.
    await env.MEDIA.delete(`live/${s.id}/ses_x/720p/1.ts`);
    const nextHour = bucketOf(now, 'hour') + 3_600_000 + 5_000;
    expect(await sampleAppStorage(db, env, t.app.id, nextHour)).toBe(true);
    const day = await call(
      `/v1/usage?granularity=hour&meter=stored_byte_hours&from=${new Date(bucketOf(now, 'hour')).toISOString()}&to=${new Date(nextHour + 3_600_000).toISOString()}`,
      { auth: t.key.token },
    );
    expect(day.json.totals.stored_byte_hours).toBe(2100 + 1600);
    expect(await latestStoredBytes(env, [t.app.id])).toBe(1600);
    expect(BYTE_HOURS_PER_GB_MONTH).toBe(730e9);
  });

  it('splits each sample by kind: recordings, live-only segments, images, uploads', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { name: 'kinds' });
    // ses_rec was recorded (its segments under live/ are its recording's); ses_live was not.
    await env.DB.prepare(
      `INSERT INTO stream_sessions (id, stream_id, app_id, status, origin_id, recording, started_at, created_at)
       VALUES ('ses_rec_kinds', ?, ?, 'ended', 'org_local', 1, 0, 0)`,
    )
      .bind(s.id, t.app.id)
      .run();
    await env.MEDIA.put(`live/${s.id}/ses_rec_kinds/720p/0.ts`, new Uint8Array(1000));
    await env.MEDIA.put(`recordings/${s.id}/ses_rec_kinds/720p.m3u8`, new Uint8Array(200));
    await env.MEDIA.put(`live/${s.id}/ses_live_kinds/720p/0.ts`, new Uint8Array(400));
    await env.MEDIA.put(`thumbnails/${s.id}/latest.jpg`, new Uint8Array(50));
    const upload = await call('/v1/uploads', { auth: t.key.token, body: { max_size_bytes: 1000 } });
    expect(upload.status, upload.text).toBe(201);
    await env.MEDIA.put(`uploads/${upload.json.id}/source`, new Uint8Array(700));

    expect(await sampleAppStorage(createDb(env.DB), env, t.app.id)).toBe(true);
    const res = await call('/v1/usage?granularity=hour&group_by=kind&meter=stored_byte_hours', { auth: t.key.token });
    expect(res.status, res.text).toBe(200);
    const byKind = Object.fromEntries(
      res.json.data
        .filter((r: { quantity: number }) => r.quantity > 0)
        .map((r: { kind: string; quantity: number }) => [r.kind, r.quantity]),
    );
    expect(byKind).toEqual({ recordings: 1200, segments: 400, images: 50, uploads: 700 });
    expect(res.json.totals.stored_byte_hours).toBe(2350);
    expect(await latestStoredBytes(env, [t.app.id])).toBe(2350);
  });

  it('the sweep samples apps not sampled this hour, a bounded number at a time', async () => {
    const a = await tenant();
    const db = createDb(env.DB);
    const now = Date.now() + 7 * 3_600_000; // an hour no other test sampled
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const n = await sampleStoredBytes(db, env, now, 5);
      expect(n).toBeLessThanOrEqual(5);
      total += n;
      if (n === 0) break;
    }
    expect(total).toBeGreaterThan(0);
    expect(await sampleAppStorage(db, env, a.app.id, now)).toBe(false);
    expect(await sampleStoredBytes(db, env, now, 5)).toBe(0);
  });
});
