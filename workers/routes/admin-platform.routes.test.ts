import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { totpAt } from '../services/totp';
import { call, expectError, register, tenant } from '../test/helpers';
import { originCall } from '../test/origin';
import { createEndpoint, waitFor } from '../test/webhooks';

/**
 * The operator's platform views: the origin fleet from its heartbeats, the webhook backlog (the
 * outbox and each endpoint's queue), each org's plan and usage this period, and the maintenance
 * banner (set and cleared by an operator, audited, shown to everyone by GET /v1/maintenance and
 * /v1/status).
 */
let made: Promise<Awaited<ReturnType<typeof register>>> | undefined;
const operator = () => (made ??= makeOperator());

async function makeOperator() {
  // Storage is per test file: this file's own operator, with the address OPERATOR_EMAILS lists.
  const acct = await register('operator-admin');
  const started = await call('/v1/auth/totp/enroll', { auth: acct.token, method: 'POST' });
  const code = await totpAt(started.json.secret, Date.now());
  expect((await call('/v1/auth/totp/confirm', { auth: acct.token, body: { code } })).status).toBe(200);
  return acct;
}

interface OrgRow {
  id: string;
  plan: { id: string; name: string };
  usage: { period_start: string; totals: Record<string, number> };
}

describe('operator platform views', () => {
  it('lists origins with health from their heartbeats; a configured origin that never beat is down', async () => {
    const op = await operator();
    const ingest = { rtmp: 'rtmp://a.example:1935/live', rtmps: null, srt: null };
    const beat = await originCall('/internal/origin/heartbeat', {
      body: { publications: 2, ingest, cpu: 0.4, upload_backlog_bytes: 1234 },
    });
    expect(beat.status).toBe(204);
    const res = await call('/v1/admin/origins', { auth: op.token });
    expect(res.status, res.text).toBe(200);
    const byId = new Map(res.json.data.map((o: { id: string }) => [o.id, o]));
    expect(byId.get('orig_local')).toMatchObject({
      health: 'operational',
      publications: 2,
      cpu: 0.4,
      upload_backlog_bytes: 1234,
      ingest,
    });
    expect(byId.get('orig_local2')).toMatchObject({ health: 'down', last_heartbeat_at: null });
    // Three missed heartbeats later the same origin is down.
    await env.DB.prepare(
      "UPDATE origin_heartbeats SET last_seen_at = last_seen_at - 60000 WHERE origin_id = 'orig_local'",
    ).run();
    const later = await call('/v1/admin/origins', { auth: op.token });
    expect(later.json.data.find((o: { id: string }) => o.id === 'orig_local').health).toBe('down');
  });

  it("shows the webhook backlog: an endpoint's pending and failed deliveries, most backlogged first", async () => {
    const op = await operator();
    const t = await tenant();
    const ep = await createEndpoint(t.key.token);
    // Each stream made is an event for the endpoint, which nobody answers: they wait in its queue.
    for (const name of ['a', 'b', 'c']) {
      expect((await call('/v1/streams', { auth: t.key.token, body: { name } })).status).toBe(201);
    }
    const row = await waitFor('the backlog to show the endpoint', async () => {
      const res = await call('/v1/admin/webhooks/backlog', { auth: op.token });
      expect(res.status, res.text).toBe(200);
      const e = res.json.endpoints.find((x: { endpoint_id: string }) => x.endpoint_id === ep.id);
      return e && e.pending + e.failed >= 3 ? { body: res.json, e } : null;
    });
    expect(row.e).toMatchObject({ app_id: t.app.id, org_id: t.acct.orgId, enabled: true });
    expect(row.e.oldest_pending_at === null || !Number.isNaN(Date.parse(row.e.oldest_pending_at))).toBe(true);
    expect(row.body.totals.pending + row.body.totals.failed).toBeGreaterThanOrEqual(3);
    expect(row.body.outbox).toEqual({
      undelivered: expect.any(Number),
      oldest_at: expect.toBeOneOf([null, expect.any(String)]),
    });
    // An outbox row that was never handed over counts there.
    await env.DB.prepare(
      "INSERT INTO events (id, app_id, type, object_type, object_id, data, created_at) VALUES ('evt_backlogtest', ?, 'stream.created', 'stream', 'str_x', '{}', ?)",
    )
      .bind(t.app.id, Date.now() - 120_000)
      .run();
    const again = await call('/v1/admin/webhooks/backlog', { auth: op.token });
    expect(again.json.outbox.undelivered).toBeGreaterThanOrEqual(1);
    expect(Date.parse(again.json.outbox.oldest_at)).toBeLessThanOrEqual(Date.now() - 120_000);
  });

  it("lists each org's plan and this period's usage, following a plan change", async () => {
    const op = await operator();
    const t = await tenant();
    // API requests are metered (flushed about a second later).
    for (let i = 0; i < 3; i++) expect((await call('/v1/streams', { auth: t.key.token })).status).toBe(200);
    const find = async () => {
      const res = await call('/v1/admin/orgs?limit=100', { auth: op.token });
      expect(res.status, res.text).toBe(200);
      return res.json.data.find((o: OrgRow) => o.id === t.acct.orgId) as OrgRow;
    };
    const row = await waitFor('usage to reach the admin list', async () => {
      const r = await find();
      return (r.usage.totals.api_requests ?? 0) >= 3 ? r : null;
    });
    // An org that never chose a plan is on the deployment's default (this test pool sets one).
    expect(row.plan.id).toBe((env as { DEFAULT_PLAN?: string }).DEFAULT_PLAN ?? 'free');
    const own = await call(`/v1/orgs/${t.acct.orgId}/usage?granularity=month&group_by=metric`, { auth: t.acct.token });
    expect(row.usage.totals.api_requests).toBeLessThanOrEqual(own.json.totals.api_requests);
    expect(Date.parse(row.usage.period_start)).toBeLessThanOrEqual(Date.now());
    const change = await call(`/v1/orgs/${t.acct.orgId}/subscription`, {
      auth: t.acct.token,
      method: 'PUT',
      body: { plan: 'pro' },
    });
    expect(change.status, change.text).toBe(200);
    expect((await find()).plan).toMatchObject({ id: 'pro', name: 'Pro' });
  });

  it('puts up and takes down the maintenance banner: public reads, audited writes, an expired one hidden', async () => {
    const op = await operator();
    const t = await tenant();
    expect((await call('/v1/maintenance')).json).toEqual({ maintenance: null });
    // Members and keys cannot set it (the area answers 404); bad input is a 400 that changes nothing.
    const body = { message: 'Database upgrade tonight at 22:00 UTC', level: 'warning' };
    for (const auth of [t.acct.token, t.key.token]) {
      expectError(await call('/v1/admin/maintenance', { auth, method: 'PUT', body }), 404);
    }
    const bad = { ...body, starts_at: '2026-12-02T10:00:00Z', ends_at: '2026-12-02T09:00:00Z' };
    expectError(await call('/v1/admin/maintenance', { auth: op.token, method: 'PUT', body: bad }), 400);
    expectError(await call('/v1/admin/maintenance', { auth: op.token, method: 'PUT', body: { message: '' } }), 400);
    expect((await call('/v1/maintenance')).json.maintenance).toBeNull();

    const set = await call('/v1/admin/maintenance', { auth: op.token, method: 'PUT', body });
    expect(set.status, set.text).toBe(200);
    const shown = (await call('/v1/maintenance')).json.maintenance;
    expect(shown).toMatchObject({ message: body.message, level: 'warning', ends_at: null });
    expect((await call('/v1/status')).json.maintenance).toEqual(shown);

    // One whose end has passed is not shown any more.
    const past = { message: 'done', ends_at: new Date(Date.now() - 1000).toISOString() };
    expect((await call('/v1/admin/maintenance', { auth: op.token, method: 'PUT', body: past })).status).toBe(200);
    expect((await call('/v1/maintenance')).json.maintenance).toBeNull();

    expect((await call('/v1/admin/maintenance', { auth: op.token, method: 'PUT', body })).status).toBe(200);
    const cleared = await call('/v1/admin/maintenance', { auth: op.token, method: 'DELETE' });
    expect(cleared.json).toEqual({ maintenance: null });
    expect((await call('/v1/maintenance')).json.maintenance).toBeNull();
    expect((await call('/v1/status')).json.maintenance).toBeNull();

    const audit = await call('/v1/admin/audit-log?limit=10', { auth: op.token });
    const actions = audit.json.data.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['maintenance.clear', 'maintenance.set', 'maintenance.set', 'maintenance.set']);
    expect(audit.json.data[1]).toMatchObject({ target_type: 'platform', details: { message: body.message } });
  });
});
