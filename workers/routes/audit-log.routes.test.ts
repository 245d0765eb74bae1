import { describe, expect, it } from 'vitest';
import { call, createApiKey, createApp, register } from '../test/helpers';

describe('audit log', () => {
  it('records who did what to which resource, from where, and whether it succeeded', async () => {
    const acct = await register();
    const app = await createApp(acct);
    const key = await createApiKey(acct, app.id);
    // A change made with the key (keys cannot manage keys since issue 11, so a signing key).
    const signing = await call('/v1/signing-keys', {
      auth: key.token,
      body: {},
      headers: { 'cf-connecting-ip': '203.0.113.50' },
    });
    // A failed change is recorded too.
    await call(`/v1/apps/${app.id}/api-keys/key_doesnotexist00000/rotate`, { method: 'POST', auth: acct.token });

    const log = await call(`/v1/orgs/${acct.orgId}/audit-log`, { auth: acct.token });
    expect(log.status).toBe(200);
    const actions = log.json.data.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['app.create', 'api_key.create', 'signing_key.create', 'api_key.rotate']),
    );
    const byKey = log.json.data.find((e: { action: string }) => e.action === 'signing_key.create');
    expect(byKey).toMatchObject({
      actor_type: 'api_key',
      actor_id: key.id,
      resource_type: 'signing_key',
      resource_id: signing.json.id,
      ip: '203.0.113.50',
      success: true,
      app_id: app.id,
    });
    const failed = log.json.data.find((e: { action: string }) => e.action === 'api_key.rotate');
    expect(failed).toMatchObject({ success: false, actor_type: 'user', actor_id: acct.userId });
  });

  it('filters by actor, action, resource and time, and exports CSV', async () => {
    const acct = await register();
    const app = await createApp(acct);
    await createApiKey(acct, app.id);
    const base = `/v1/orgs/${acct.orgId}/audit-log`;
    const byAction = await call(`${base}?action=api_key.create`, { auth: acct.token });
    expect(byAction.json.data).toHaveLength(1);
    expect(
      (await call(`${base}?resource_type=app`, { auth: acct.token })).json.data.every(
        (e: { resource_type: string }) => e.resource_type === 'app',
      ),
    ).toBe(true);
    expect((await call(`${base}?actor_id=usr_nobody000000000000`, { auth: acct.token })).json.data).toHaveLength(0);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call(`${base}?since=${future}`, { auth: acct.token })).json.data).toHaveLength(0);

    const csv = await call(`${base}?format=csv`, { auth: acct.token });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('created_at,actor_type,actor_id,action,resource_type,resource_id,app_id,ip,success');
    expect(lines.length).toBe(3);

    // The app-scoped log shows that app's entries only.
    const perApp = await call(`/v1/apps/${app.id}/audit-log`, { auth: acct.token });
    expect(perApp.json.data.every((e: { app_id: string }) => e.app_id === app.id)).toBe(true);
  });
});
