import { env } from 'cloudflare:workers';
import { bucketOf } from '@edgelive/shared/usage';
import { describe, expect, it } from 'vitest';
import { monthOf } from '../../core/usage/recorder';
import { call, createApiKey, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath, uploadSegment } from '../test/origin';
import { chatTenant, join, openSocket } from '../test/rooms';

/**
 * Plan limits on DVR window, recording storage, chat monthly active users and API requests per
 * minute (issue 15): past each, a clear envelope naming the limit, what is used, what is allowed
 * and the plan; nothing is changed by a refusal.
 */
type T = Awaited<ReturnType<typeof tenant>>;

async function setPlan(t: Pick<T, 'acct'>, plan: string) {
  const res = await call(`/v1/orgs/${t.acct.orgId}/subscription`, {
    method: 'PUT',
    auth: t.acct.token,
    body: { plan },
  });
  expect(res.status, res.text).toBe(200);
}

function expectLimit(res: { status: number; json: any }, status: number, details: Record<string, unknown>) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.error.code).toBe('plan_limit_exceeded');
  expect(res.json.error.details).toEqual(details);
  expect(res.json.error.message).toMatch(new RegExp(`${String(details.plan)} plan`, 'i'));
}

describe('plan limits: DVR window', () => {
  it('refuses a DVR window past the plan on create and update, and keeps a window a downgrade left', async () => {
    const t = await tenant();
    await setPlan(t, 'free');
    const refused = await call('/v1/streams', { auth: t.key.token, body: { name: 'dvr', dvr_window_seconds: 600 } });
    expectLimit(refused, 402, { limit: 'dvr_window_seconds', used: 600, allowed: 0, plan: 'free' });
    expect((await call('/v1/streams', { auth: t.key.token })).json.data).toEqual([]);

    await setPlan(t, 'pro');
    const made = await call('/v1/streams', { auth: t.key.token, body: { name: 'dvr', dvr_window_seconds: 3600 } });
    expect(made.status, made.text).toBe(201);

    // Downgraded: the stream keeps its hour; other edits go through, a longer window does not.
    await setPlan(t, 'free');
    const longer = await call(`/v1/streams/${made.json.id}`, {
      method: 'PATCH',
      auth: t.key.token,
      body: { dvr_window_seconds: 7200 },
    });
    expectLimit(longer, 402, { limit: 'dvr_window_seconds', used: 7200, allowed: 0, plan: 'free' });
    const rename = await call(`/v1/streams/${made.json.id}`, {
      method: 'PATCH',
      auth: t.key.token,
      body: { name: 'kept', dvr_window_seconds: 3600 },
    });
    expect(rename.status, rename.text).toBe(200);
    expect(rename.json).toMatchObject({ name: 'kept', dvr_window_seconds: 3600 });
  });
});

describe('plan limits: recording storage', () => {
  it('refuses new uploads once the latest storage sample reaches the plan’s GB', async () => {
    const t = await tenant();
    await setPlan(t, 'free');
    const hour = bucketOf(Date.now(), 'hour');
    const sample = (bucket: number, bytes: number) =>
      env.DB.prepare(
        `INSERT INTO usage_buckets (granularity, bucket, app_id, stream_id, meter, quantity)
         VALUES ('hour', ?, ?, '', 'stored_byte_hours', ?)`,
      )
        .bind(bucket, t.app.id, bytes)
        .run();
    // An hour ago the app held 6 GB; now it holds 4.5: the latest sample decides.
    await sample(hour - 3_600_000, 6e9);
    await sample(hour, 4.5e9);
    const body = { max_size_bytes: 1000 };
    const ok = await call('/v1/uploads', { auth: t.key.token, body });
    expect(ok.status, ok.text).toBe(201);
    await env.DB.prepare(
      `UPDATE usage_buckets SET quantity = 5.25e9 WHERE granularity = 'hour' AND bucket = ? AND app_id = ? AND meter = 'stored_byte_hours'`,
    )
      .bind(hour, t.app.id)
      .run();
    const refused = await call('/v1/uploads', { auth: t.key.token, body });
    expectLimit(refused, 402, { limit: 'recording_storage_gb', used: 5.25, allowed: 5, plan: 'free' });
    expect((await call('/v1/uploads', { auth: t.key.token })).json.data).toHaveLength(1);
    // The subscription's bars show the same figure.
    const sub = await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token });
    expect(sub.json.usage.find((u: { limit: string }) => u.limit === 'recording_storage_gb')).toMatchObject({
      used: 5.25,
      allowed: 5,
    });
    await setPlan(t, 'pro');
    expect((await call('/v1/uploads', { auth: t.key.token, body })).status).toBe(201);
  });
});

describe('plan limits: recording storage on clips and live recordings', () => {
  it('refuses clips and leaves a new session unrecorded past the plan’s GB, keeping what is stored', async () => {
    const t = await tenant();
    await setPlan(t, 'pro');
    const s = await createStream(t.key.token, { playback_policies: ['public'], recording: true, reconnect_window: 0 });
    const first = await publish(s.stream_key);
    expect(first.json.recording).toBe(true);
    for (let i = 0; i < 3; i++) await uploadSegment(s.id, first.json.session_id, '720p', i);
    await originCall(`${sessionPath(s.id, first.json.session_id)}/publish-done`, { body: {} });
    const assets = async () => (await call(`/v1/assets?stream_id=${s.id}`, { auth: t.key.token })).json.data;
    const [recording] = await assets();
    expect(recording.status).toBe('ready');

    // The latest hourly sample: 250 GB held, past Pro's 200.
    await env.DB.prepare(
      `INSERT INTO usage_buckets (granularity, bucket, app_id, stream_id, meter, quantity)
       VALUES ('hour', ?, ?, '', 'stored_byte_hours', 250e9)`,
    )
      .bind(bucketOf(Date.now(), 'hour'), t.app.id)
      .run();
    const over = { limit: 'recording_storage_gb', used: 250, allowed: 200, plan: 'pro' };
    const clip = () => call(`/v1/assets/${recording.id}/clips`, { auth: t.key.token, body: { start: 0, end: 4 } });
    expectLimit(await clip(), 402, over);

    // A new session goes live, unrecorded, and an event says why; the live clip is refused too.
    const second = await publish(s.stream_key);
    expect(second.status, second.text).toBe(200);
    expect(second.json.recording).toBe(false);
    const skipped = await env.DB.prepare(`SELECT data FROM events WHERE app_id = ? AND type = 'recording.skipped'`)
      .bind(t.app.id)
      .all<{ data: string }>();
    expect(skipped.results.map((r) => JSON.parse(r.data))).toEqual([
      {
        id: s.id,
        session_id: second.json.session_id,
        error: { code: 'plan_limit_exceeded', message: expect.stringMatching(/Pro plan/), details: over },
      },
    ]);
    for (let i = 0; i < 3; i++) await uploadSegment(s.id, second.json.session_id, '720p', i);
    const log = (await call(`/v1/streams/${s.id}/sessions`, { auth: t.key.token })).json.data;
    expect(log[0]).toMatchObject({ id: second.json.session_id, status: 'active', recording: null });
    expectLimit(await call(`/v1/streams/${s.id}/clips`, { auth: t.key.token, body: { seconds_back: 2 } }), 402, over);
    // Nothing stored was deleted, and no asset was made for the unrecorded session or the clips.
    expect((await assets()).map((a: { id: string }) => a.id)).toEqual([recording.id]);
    expect((await call(`/v1/assets/${recording.id}`, { auth: t.key.token })).json.status).toBe('ready');

    await setPlan(t, 'business');
    const made = await clip();
    expect(made.status, made.text).toBe(201);
  });
});

describe('plan limits: chat monthly active users', () => {
  it('lets this month’s users back in and refuses a new one past the plan', async () => {
    const t = await chatTenant();
    await setPlan(t, 'free');
    const room = await t.createRoom({ name: 'mau' });
    const month = monthOf(Date.now());
    await env.DB.batch(
      Array.from({ length: 100 }, (_, i) =>
        env.DB.prepare('INSERT INTO usage_chat_users (app_id, month, user_id) VALUES (?, ?, ?)').bind(
          t.app.id,
          month,
          `user_${i}`,
        ),
      ),
    );
    const known = await join(room.id, { token: await t.tokenFor('user_7') });
    known.s.close();
    const res = await openSocket(room.id, { token: await t.tokenFor('newcomer') });
    expectLimit({ status: res.status, json: await res.json() }, 402, {
      limit: 'chat_monthly_active_users',
      used: 100,
      allowed: 100,
      plan: 'free',
    });
    await setPlan(t, 'pro');
    const admitted = await join(room.id, { token: await t.tokenFor('newcomer') });
    admitted.s.close();
  });
});

describe('plan limits: API requests per minute', () => {
  it('answers 429 with the plan past its per-minute figure, counted across the org’s keys', async () => {
    const t = await tenant();
    const second = await createApiKey(t.acct, t.app.id);
    await setPlan(t, 'free');
    // Near a minute's end the window would restart mid-test: start in the next one.
    const ms = Date.now() % 60_000;
    if (ms > 55_000) await new Promise((r) => setTimeout(r, 60_500 - ms));
    // Ten requests by each key count in the org's one window (free: 120 a minute, the keys' own 600).
    for (const key of [t.key.token, second.token]) {
      const statuses = await Promise.all(
        Array.from({ length: 10 }, () => call('/v1/streams', { auth: key }).then((r) => r.status)),
      );
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    const row = await env.DB.prepare('SELECT count FROM rate_limits WHERE key = ?')
      .bind(`org:${t.acct.orgId}`)
      .first<{ count: number }>();
    expect(row?.count).toBe(20);
    // The rest of the minute's 120, spent at once (as 100 more requests would).
    await env.DB.prepare('UPDATE rate_limits SET count = 119 WHERE key = ?').bind(`org:${t.acct.orgId}`).run();
    expect((await call('/v1/streams', { auth: second.token })).status).toBe(200);
    const over = await call('/v1/streams', { auth: t.key.token });
    expectLimit(over, 429, {
      limit: 'api_requests_per_minute',
      used: 121,
      allowed: 120,
      plan: 'free',
      window_seconds: 60,
    });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
