import { env } from 'cloudflare:workers';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../core/db/client';
import type { Env } from '../../core/env';
import { evaluateAlerts } from '../services/usage-alerts.service';
import { BASE, call, expectError, register, tenant } from '../test/helpers';
import { createStream, publish } from '../test/origin';

/** Plans, subscriptions, limits where they bite, alerts and Stripe's webhook (issue 15). */

const setPlan = async (t: { acct: { token: string; orgId: string } }, plan: string) => {
  const res = await call(`/v1/orgs/${t.acct.orgId}/subscription`, {
    method: 'PUT',
    auth: t.acct.token,
    body: { plan },
  });
  expect(res.status, res.text).toBe(200);
  return res.json;
};

const eventsOf = async (appId: string, type: string) =>
  (
    await env.DB.prepare('SELECT data FROM events WHERE app_id = ? AND type = ? ORDER BY created_at')
      .bind(appId, type)
      .all<{ data: string }>()
  ).results.map((r) => JSON.parse(r.data));

describe('plans and subscriptions', () => {
  it('lists the plans publicly, with limits and prices', async () => {
    const res = await call('/v1/plans');
    expect(res.status).toBe(200);
    expect(res.json.map((p: { id: string }) => p.id)).toEqual(['free', 'pro', 'business']);
    expect(res.json[0].limits.live_streams).toBe(1);
    expect(res.json[1].prices.some((p: { meter: string }) => p.meter === 'delivered_seconds')).toBe(true);
  });

  it('lets the owner change the plan, records it as an event, and refuses other roles and bad plans', async () => {
    const t = await tenant();
    const before = await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token });
    expect(before.status, before.text).toBe(200);
    expect(before.json.billing).toBe('manual');
    const after = await setPlan(t, 'pro');
    expect(after.plan.id).toBe('pro');
    expect(after.usage.find((u: { limit: string }) => u.limit === 'live_streams')).toMatchObject({
      used: 0,
      allowed: 5,
    });
    const [ev] = await eventsOf(t.app.id, 'subscription.updated');
    expect(ev).toMatchObject({ plan: 'pro', previous_plan: before.json.plan.id });
    expectError(
      await call(`/v1/orgs/${t.acct.orgId}/subscription`, {
        method: 'PUT',
        auth: t.acct.token,
        body: { plan: 'gold' },
      }),
      400,
    );
    expectError(
      await call(`/v1/orgs/${t.acct.orgId}/subscription`, { method: 'PUT', auth: t.acct.token, body: {} }),
      400,
    );
    const stranger = await register();
    expectError(
      await call(`/v1/orgs/${t.acct.orgId}/subscription`, {
        method: 'PUT',
        auth: stranger.token,
        body: { plan: 'free' },
      }),
      404,
    );
    expect((await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token })).json.plan.id).toBe('pro');
  });

  it('refuses a publish past the concurrent-stream limit with 402 and an event, and lets it through after an upgrade', async () => {
    const t = await tenant();
    await setPlan(t, 'free');
    const a = await createStream(t.key.token);
    const b = await createStream(t.key.token);
    expect((await publish(a.stream_key)).status).toBe(200);
    const refused = await publish(b.stream_key);
    expectError(refused, 402, 'plan_limit_exceeded');
    expect(refused.json.error.details).toEqual({ limit: 'live_streams', used: 1, allowed: 1, plan: 'free' });
    const [ev] = await eventsOf(t.app.id, 'stream.publish_refused');
    expect(ev.error).toMatchObject({ code: 'plan_limit_exceeded', details: { limit: 'live_streams' } });
    // The stream's session log shows the refused publish with its reason; the stream stays idle.
    const log = await call(`/v1/streams/${b.id}/sessions`, { auth: t.key.token });
    expect(log.status, log.text).toBe(200);
    expect(log.json.data).toHaveLength(1);
    expect(log.json.data[0]).toMatchObject({
      stream_id: b.id,
      status: 'refused',
      recording: null,
      refusal: { code: 'plan_limit_exceeded', details: { limit: 'live_streams', used: 1, allowed: 1, plan: 'free' } },
    });
    expect(log.json.data[0].ended_at).toBe(log.json.data[0].started_at);
    expect((await call(`/v1/streams/${b.id}`, { auth: t.key.token })).json.status).toBe('idle');
    await setPlan(t, 'pro');
    const accepted = await publish(b.stream_key);
    expect(accepted.status).toBe(200);
    // The accepted publish is a session of its own, newest first, above the refused one.
    const after = (await call(`/v1/streams/${b.id}/sessions`, { auth: t.key.token })).json.data;
    expect(after.map((s: { status: string }) => s.status)).toEqual(['active', 'refused']);
    expect(after[0]).toMatchObject({ id: accepted.json.session_id, refusal: null });
  });

  it('leaves rungs above the plan’s max_quality out of the session’s ladder', async () => {
    const t = await tenant();
    await setPlan(t, 'free');
    const ladder = ['source', '1080p', '720p', '480p'];
    const s = await createStream(t.key.token, { ladder });
    const onFree = await publish(s.stream_key);
    expect(onFree.status, onFree.text).toBe(200);
    const names = (l: { name: string }[]) => l.map((r) => r.name).sort();
    // The passthrough `source` may be taller than the cap, so a capped ladder leaves it out too.
    expect(names(onFree.json.ladder)).toEqual(['480p', '720p']);
    await setPlan(t, 'pro');
    const s2 = await createStream(t.key.token, { ladder });
    expect(names((await publish(s2.stream_key)).json.ladder)).toEqual(['1080p', '480p', '720p']);
    // Business caps at 2160p, the tallest rung there is: nothing is above it, the source stays.
    await setPlan(t, 'business');
    const s3 = await createStream(t.key.token, { ladder });
    expect(names((await publish(s3.stream_key)).json.ladder)).toEqual(['1080p', '480p', '720p', 'source']);
  });

  it('bites on webhook endpoints and seats, and a downgrade keeps what exists but refuses more', async () => {
    const t = await tenant();
    await setPlan(t, 'pro');
    for (let i = 0; i < 3; i++) {
      const res = await call('/v1/webhook-endpoints', { auth: t.key.token, body: { url: `http://127.0.0.1:9/${i}` } });
      expect(res.status, res.text).toBe(201);
    }
    const down = await setPlan(t, 'free');
    expect(down.over_limits).toEqual([{ limit: 'webhook_endpoints', used: 3, allowed: 2, percent: 150 }]);
    expect((await call('/v1/webhook-endpoints', { auth: t.key.token })).json.data).toHaveLength(3);
    const more = await call('/v1/webhook-endpoints', { auth: t.key.token, body: { url: 'http://127.0.0.1:9/x' } });
    expectError(more, 402, 'plan_limit_exceeded');
    expect(more.json.error.details).toEqual({ limit: 'webhook_endpoints', used: 3, allowed: 2, plan: 'free' });
    // Free has two seats: the owner and one invitation.
    const invite = (email: string) =>
      call(`/v1/orgs/${t.acct.orgId}/invitations`, { auth: t.acct.token, body: { email, role: 'developer' } });
    expect((await invite('one@example.com')).status).toBe(201);
    expectError(await invite('two@example.com'), 402, 'plan_limit_exceeded');
  });

  it('fires each alert threshold once per period, not on every evaluation', async () => {
    const t = await tenant();
    await setPlan(t, 'free');
    const db = createDb(env.DB);
    await call('/v1/webhook-endpoints', { auth: t.key.token, body: { url: 'http://127.0.0.1:9/a' } });
    expect(await evaluateAlerts(db, env, t.acct.orgId)).toEqual([]);
    await call('/v1/webhook-endpoints', { auth: t.key.token, body: { url: 'http://127.0.0.1:9/b' } });
    expect(await evaluateAlerts(db, env, t.acct.orgId)).toEqual([
      { limit: 'webhook_endpoints', threshold: 80 },
      { limit: 'webhook_endpoints', threshold: 100 },
    ]);
    for (let i = 0; i < 3; i++) expect(await evaluateAlerts(db, env, t.acct.orgId)).toEqual([]);
    expect(await eventsOf(t.app.id, 'usage.threshold_reached')).toHaveLength(1);
    const [limit] = await eventsOf(t.app.id, 'usage.limit_reached');
    expect(limit).toMatchObject({ limit: 'webhook_endpoints', threshold: 100, used: 2, allowed: 2 });
    const sub = await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token });
    expect(sub.json.alerts.map((a: { threshold: number }) => a.threshold).sort()).toEqual([100, 80]);
    // The owner's own thresholds.
    const set = await call(`/v1/orgs/${t.acct.orgId}/subscription`, {
      method: 'PUT',
      auth: t.acct.token,
      body: { alert_thresholds: [50, 90] },
    });
    expect(set.json.alert_thresholds).toEqual([50, 90]);
    // The owner alone is half of free's two seats: that threshold fires now too.
    expect(await evaluateAlerts(db, env, t.acct.orgId)).toEqual([
      { limit: 'webhook_endpoints', threshold: 50 },
      { limit: 'webhook_endpoints', threshold: 90 },
      { limit: 'team_seats', threshold: 50 },
    ]);
  });
});

describe("Stripe's webhook", () => {
  const secret = (env as Env).STRIPE_WEBHOOK_SECRET!;
  const crypto = Stripe.createSubtleCryptoProvider();

  async function post(payload: string, signature?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature) headers['stripe-signature'] = signature;
    const res = await (await import('cloudflare:workers')).exports.default.fetch(
      new Request(`${BASE}/v1/billing/stripe/webhook`, { method: 'POST', headers, body: payload }),
    );
    return { status: res.status, json: (await res.json()) as any };
  }
  const signed = async (payload: string, timestamp?: number) =>
    post(
      payload,
      await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp, cryptoProvider: crypto }),
    );

  it('applies a signed checkout and invoice.paid, and refuses forged, stale and replayed events', async () => {
    const t = await tenant();
    await setPlan(t, 'free');
    const checkout = JSON.stringify({
      id: `evt_co_${Date.now()}`,
      object: 'event',
      type: 'checkout.session.completed',
      data: {
        object: {
          id: 'cs_test_1',
          object: 'checkout.session',
          client_reference_id: t.acct.orgId,
          customer: `cus_${t.acct.orgId}`,
          subscription: 'sub_test_1',
          metadata: { org_id: t.acct.orgId, plan: 'pro' },
        },
      },
    });
    const first = await signed(checkout);
    expect(first).toEqual({ status: 200, json: { received: true, applied: true } });
    let sub = (await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token })).json;
    expect(sub).toMatchObject({ plan: { id: 'pro' }, billing: 'stripe', status: 'active' });
    // The same event again (a retry or a replay within the tolerance) changes nothing.
    expect((await signed(checkout)).json).toEqual({ received: true, applied: false, reason: 'duplicate' });

    const pastDue = JSON.stringify({
      id: `evt_pd_${Date.now()}`,
      object: 'event',
      type: 'customer.subscription.updated',
      data: {
        object: {
          id: 'sub_test_1',
          object: 'subscription',
          customer: `cus_${t.acct.orgId}`,
          status: 'past_due',
          metadata: { plan: 'business' },
          items: { data: [{ price: { id: 'price_test_business' } }] },
        },
      },
    });
    expect((await signed(pastDue)).json.applied).toBe(true);
    sub = (await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token })).json;
    expect(sub).toMatchObject({ plan: { id: 'business' }, status: 'past_due' });

    const paid = JSON.stringify({
      id: `evt_paid_${Date.now()}`,
      object: 'event',
      type: 'invoice.paid',
      data: { object: { id: 'in_1', object: 'invoice', customer: `cus_${t.acct.orgId}`, parent: null } },
    });
    // Forged: signed with another secret, or a body changed after signing, or no signature.
    const forged = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload: paid,
      secret: 'whsec_wrong',
      cryptoProvider: crypto,
    });
    expect((await post(paid, forged)).status).toBe(400);
    const good = await Stripe.webhooks.generateTestHeaderStringAsync({ payload: paid, secret, cryptoProvider: crypto });
    expect((await post(paid.replace('in_1', 'in_2'), good)).status).toBe(400);
    expect((await post(paid)).status).toBe(400);
    // Stale: a capture from ten minutes ago, past the SDK's five-minute tolerance.
    expect((await signed(paid, Math.floor(Date.now() / 1000) - 600)).status).toBe(400);
    sub = (await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token })).json;
    expect(sub.status).toBe('past_due');
    expect((await signed(paid)).json.applied).toBe(true);
    sub = (await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token })).json;
    expect(sub).toMatchObject({ plan: { id: 'business' }, status: 'active' });

    const deleted = JSON.stringify({
      id: `evt_del_${Date.now()}`,
      object: 'event',
      type: 'customer.subscription.deleted',
      data: {
        object: { id: 'sub_test_1', object: 'subscription', customer: `cus_${t.acct.orgId}`, status: 'canceled' },
      },
    });
    expect((await signed(deleted)).json.applied).toBe(true);
    sub = (await call(`/v1/orgs/${t.acct.orgId}/subscription`, { auth: t.acct.token })).json;
    expect(sub).toMatchObject({ plan: { id: 'free' }, billing: 'manual' });
  });
});
