import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../../workers/test/helpers';
import { captureDeliveries, createEndpoint, waitFor } from '../../workers/test/webhooks';
import { DISABLE_AFTER_MS } from './delivery-policy';

const stubOf = (id: string) => env.WEBHOOKS.get(env.WEBHOOKS.idFromName(id));

describe('automatic disabling', () => {
  it('disables an endpoint whose attempts have failed for days, says why, and tells the app', async () => {
    const t = await tenant();
    const dying = await createEndpoint(t.key.token, { event_types: ['api_key.*'] });
    const watcher = await createEndpoint(t.key.token, { event_types: ['webhook_endpoint.*'] });
    await captureDeliveries(dying.id, () => new Response('down', { status: 502 }));
    const heard = await captureDeliveries(watcher.id);
    // It has been failing for a little longer than the threshold.
    await env.DB.prepare('UPDATE webhook_endpoints SET failing_since = ? WHERE id = ?')
      .bind(Date.now() - DISABLE_AFTER_MS - 60_000, dying.id)
      .run();

    await call(`/v1/apps/${t.app.id}/api-keys`, { auth: t.acct.token, body: { name: 'k' } });
    const ep = await waitFor('disabled', async () => {
      const r = (await call(`/v1/webhook-endpoints/${dying.id}`, { auth: t.key.token })).json;
      return r.enabled ? null : r;
    });
    expect(ep).toMatchObject({ enabled: false, disabled_reason: 'failing' });
    expect(ep.disabled_at).not.toBeNull();

    const events = (
      await call(`/v1/events?type=webhook_endpoint.disabled&object_id=${dying.id}`, { auth: t.key.token })
    ).json.data;
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ id: dying.id, enabled: false, disabled_reason: 'failing' });
    expect(JSON.stringify(events[0])).not.toContain(dying.secret.slice(6));
    await waitFor('watcher notified', () => heard.some((h) => JSON.parse(h.body).type === 'webhook_endpoint.disabled'));

    // Disabled: new events are not queued and the pending retry waits.
    await call(`/v1/apps/${t.app.id}/api-keys`, { auth: t.acct.token, body: { name: 'k2' } });
    await runDurableObjectAlarm(stubOf(dying.id));
    const log = (await call(`/v1/webhook-endpoints/${dying.id}/deliveries`, { auth: t.key.token })).json.data;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'pending', attempt_count: 1 });
    expect((await call(`/v1/webhook-endpoints/${dying.id}/test`, { method: 'POST', auth: t.key.token })).status).toBe(
      409,
    );
  });

  it('keeps an endpoint that failed briefly, and disables one that answers 410 Gone', async () => {
    const t = await tenant();
    const flaky = await createEndpoint(t.key.token);
    const gone = await createEndpoint(t.key.token);
    await captureDeliveries(flaky.id, () => new Response('later', { status: 500 }));
    await captureDeliveries(gone.id, () => new Response('unsubscribed', { status: 410 }));
    await call(`/v1/apps/${t.app.id}/api-keys`, { auth: t.acct.token, body: { name: 'k' } });
    const g = await waitFor('gone', async () => {
      const r = (await call(`/v1/webhook-endpoints/${gone.id}`, { auth: t.key.token })).json;
      return r.enabled ? null : r;
    });
    expect(g.disabled_reason).toBe('gone');
    const f = await waitFor('flaky failing', async () => {
      const r = (await call(`/v1/webhook-endpoints/${flaky.id}`, { auth: t.key.token })).json;
      return r.failing_since ? r : null;
    });
    expect(f).toMatchObject({ enabled: true, disabled_reason: null });

    // Enabling again clears the flag and delivers what waited.
    const seen = await captureDeliveries(gone.id);
    const on = await call(`/v1/webhook-endpoints/${gone.id}`, {
      method: 'PATCH',
      auth: t.key.token,
      body: { enabled: true },
    });
    expect(on.json).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
    await runDurableObjectAlarm(stubOf(gone.id));
    await waitFor('held delivery after re-enable', async () => {
      await runDurableObjectAlarm(stubOf(gone.id));
      return seen.length >= 1;
    });
  });

  it('does not disable an endpoint whose failures are mixed with successes in flight', async () => {
    const t = await tenant();
    const e = await createEndpoint(t.key.token);
    // Every other attempt fails at once while successes trickle in. (The bench found a race here:
    // a success landing while a failure recorded itself disabled a healthy endpoint. workerd's
    // local D1 is too quick to reproduce that timing reliably; this guards the mixed case.)
    const seen = await captureDeliveries(e.id, async (_r, n) => {
      if (n % 2) return new Response(null, { status: 500 });
      await new Promise((r) => setTimeout(r, n % 5));
      return new Response(null, { status: 204 });
    });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(`/v1/apps/${t.app.id}/api-keys`, { auth: t.acct.token, body: { name: `k${i}` } }),
      ),
    );
    await waitFor('attempts', () => seen.length >= 30);
    await new Promise((r) => setTimeout(r, 200));
    const ep = (await call(`/v1/webhook-endpoints/${e.id}`, { auth: t.key.token })).json;
    expect(ep).toMatchObject({ enabled: true, disabled_reason: null });
  });
});
