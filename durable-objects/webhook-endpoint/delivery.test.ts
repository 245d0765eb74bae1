import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../../workers/test/helpers';
import { captureDeliveries, createEndpoint, waitFor } from '../../workers/test/webhooks';

const deliveries = async (auth: string, endpointId: string, query = '') =>
  (await call(`/v1/webhook-endpoints/${endpointId}/deliveries${query}`, { auth })).json.data as Array<
    Record<string, unknown>
  >;

type Tenant = Awaited<ReturnType<typeof tenant>>;
/** API keys are managed from the console (a key cannot mint keys); their events are the fixture. */
const keysPath = (t: Tenant) => `/v1/apps/${t.app.id}/api-keys`;
const newKey = async (t: Tenant) =>
  (await call(keysPath(t), { auth: t.acct.token, body: { name: 'k' } })).json as { id: string };

describe('webhook delivery', () => {
  it('signs every delivery so the standardwebhooks library verifies it, with the event id as webhook-id', async () => {
    const t = await tenant();
    const e = await createEndpoint(t.key.token, { event_types: ['api_key.*'] });
    const seen = await captureDeliveries(e.id);
    const k = await newKey(t);
    await waitFor('delivery', () => seen.length >= 1);
    const [d] = seen;
    const payload = new Webhook(e.secret).verify(d!.body, d!.headers) as Record<string, unknown>;
    const [event] = (await call(`/v1/events?object_id=${k.id}`, { auth: t.key.token })).json.data;
    expect(payload).toEqual(event);
    expect(payload).toMatchObject({ type: 'api_key.created', object: { type: 'api_key', id: k.id }, app_id: t.app.id });
    expect(d!.headers['webhook-id']).toBe(event.id);
    expect(d!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(Math.abs(Number(d!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(d!.headers['content-type']).toBe('application/json');
    expect(d!.body).not.toContain('sk_');
    await waitFor('log', async () => (await deliveries(t.key.token, e.id))[0]?.status === 'succeeded');
  });

  it('sends only the types an endpoint subscribes to, wildcards included', async () => {
    const t = await tenant();
    const keysOnly = await createEndpoint(t.key.token, { event_types: ['api_key.*'] });
    const revokedOnly = await createEndpoint(t.key.token, { event_types: ['api_key.revoked'] });
    const streams = await createEndpoint(t.key.token, { event_types: ['stream.*', 'room.*'] });
    const all = await createEndpoint(t.key.token);
    for (const e of [keysOnly, revokedOnly, streams, all]) await captureDeliveries(e.id);
    const k = await newKey(t);
    await call(`${keysPath(t)}/${k.id}`, { method: 'DELETE', auth: t.acct.token });
    const types = async (id: string) => (await deliveries(t.key.token, id)).map((d) => d.event_type).sort();
    await waitFor('fan-out', async () => (await types(all.id)).length === 2);
    expect(await types(keysOnly.id)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(await types(revokedOnly.id)).toEqual(['api_key.revoked']);
    expect(await types(streams.id)).toEqual([]);
  });

  it('retries a failed attempt with the same webhook-id and logs every attempt', async () => {
    const t = await tenant();
    const e = await createEndpoint(t.key.token);
    const seen = await captureDeliveries(
      e.id,
      (_req, n) => new Response(n === 1 ? 'boom' : 'ok', { status: n === 1 ? 500 : 200 }),
    );
    await newKey(t);
    const [first] = await waitFor('first attempt', async () => {
      const d = await deliveries(t.key.token, e.id);
      return d[0]?.attempt_count === 1 && d[0]?.status === 'pending' ? d : null;
    });
    expect(first).toMatchObject({ last_status_code: 500, last_error: 'HTTP 500' });
    // The first retry is due ~5 s later (scale 1 in tests); run it now instead of waiting.
    const nextAt = Date.parse(first!.next_attempt_at as string);
    expect(nextAt - Date.now()).toBeGreaterThan(3_000);
    expect(nextAt - Date.now()).toBeLessThan(6_000);
    const ep = (await call(`/v1/webhook-endpoints/${e.id}`, { auth: t.key.token })).json;
    expect(ep.failing_since).not.toBeNull();
    await waitFor(
      'retry',
      async () => {
        await runDurableObjectAlarm(env.WEBHOOKS.get(env.WEBHOOKS.idFromName(e.id)));
        return seen.length >= 2;
      },
      10_000,
    );
    expect(seen[1]!.headers['webhook-id']).toBe(seen[0]!.headers['webhook-id']);
    const detail = await waitFor('success', async () => {
      const r = await call(`/v1/webhook-endpoints/${e.id}/deliveries/${first!.id}`, { auth: t.key.token });
      return r.json.status === 'succeeded' ? r.json : null;
    });
    expect(detail.attempts).toHaveLength(2);
    expect(detail.attempts[0]).toMatchObject({
      attempt: 1,
      status_code: 500,
      error: 'HTTP 500',
      response_body: 'boom',
    });
    expect(detail.attempts[0].next_retry_at).not.toBeNull();
    expect(detail.attempts[1]).toMatchObject({ attempt: 2, status_code: 200, error: null, next_retry_at: null });
    expect(detail.attempts[1].duration_ms).toBeGreaterThanOrEqual(0);
    expect((await call(`/v1/webhook-endpoints/${e.id}`, { auth: t.key.token })).json.failing_since).toBeNull();
    const log = (await call(`/v1/webhook-endpoints/${e.id}/attempts`, { auth: t.key.token })).json.data;
    expect(log.map((a: { attempt: number }) => a.attempt)).toEqual([2, 1]);
  });

  it("delivers an object's events one at a time, in the order they happened", async () => {
    const t = await tenant();
    const e = await createEndpoint(t.key.token);
    // The first delivery about each key fails once; its later event must wait for it.
    const failedOnce = new Set<string>();
    const seen = await captureDeliveries(e.id, (req) => {
      const ev = JSON.parse(req.body) as { type: string; object: { id: string } };
      if (ev.type === 'api_key.created' && !failedOnce.has(ev.object.id)) {
        failedOnce.add(ev.object.id);
        return new Response('no', { status: 503 });
      }
      return new Response('ok');
    });
    const k = await newKey(t);
    await call(`${keysPath(t)}/${k.id}`, { method: 'DELETE', auth: t.acct.token });
    await new Promise((r) => setTimeout(r, 300));
    // Only the failed `created` has gone out; `revoked` waits behind it.
    expect(seen.map((s) => JSON.parse(s.body).type)).toEqual(['api_key.created']);
    await waitFor('both delivered', async () => {
      await runDurableObjectAlarm(env.WEBHOOKS.get(env.WEBHOOKS.idFromName(e.id)));
      return seen.length >= 3;
    });
    expect(seen.map((s) => JSON.parse(s.body).type)).toEqual(['api_key.created', 'api_key.created', 'api_key.revoked']);
  });

  it('redelivers one delivery and every failed one since a time, and sends test events', async () => {
    const t = await tenant();
    const e = await createEndpoint(t.key.token);
    const seen = await captureDeliveries(e.id);
    const test = await call(`/v1/webhook-endpoints/${e.id}/test`, { method: 'POST', auth: t.key.token });
    expect(test.status, test.text).toBe(202);
    await waitFor('test event', () => seen.length === 1);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({
      type: 'webhook_endpoint.test',
      id: test.json.event_id,
      object: { id: e.id },
    });
    // Test events are for the endpoint only, not the app's event history.
    expect((await call(`/v1/events/${test.json.event_id}`, { auth: t.key.token })).status).toBe(404);
    await waitFor('logged', async () => (await deliveries(t.key.token, e.id))[0]?.status === 'succeeded');
    const again = await call(`/v1/webhook-endpoints/${e.id}/deliveries/${test.json.delivery_id}/redeliver`, {
      method: 'POST',
      auth: t.key.token,
    });
    expect(again.status, again.text).toBe(202);
    await waitFor('redelivery', () => seen.length === 2);
    expect(seen[1]!.headers['webhook-id']).toBe(test.json.event_id);

    // Give up on a delivery (as after a day of failures), then recover everything since then.
    await call(keysPath(t), { auth: t.acct.token, body: { name: 'x' } });
    await waitFor('third', () => seen.length === 3);
    await waitFor('settled', async () => (await deliveries(t.key.token, e.id, '?status=pending')).length === 0);
    const stub = env.WEBHOOKS.get(env.WEBHOOKS.idFromName(e.id));
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec(`UPDATE deliveries SET status = 'failed'`);
    });
    expect((await deliveries(t.key.token, e.id, '?status=failed')).length).toBe(2);
    const since = new Date(Date.now() - 60_000).toISOString();
    const bulk = await call(`/v1/webhook-endpoints/${e.id}/redeliver`, { auth: t.key.token, body: { since } });
    expect(bulk.json).toEqual({ redelivered: 2 });
    await waitFor('bulk redelivery', () => seen.length === 5);
    const none = await call(`/v1/webhook-endpoints/${e.id}/redeliver`, { auth: t.key.token, body: { since } });
    expect(none.json).toEqual({ redelivered: 0 });
  });
});
