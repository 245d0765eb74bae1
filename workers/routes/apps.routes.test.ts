import { describe, expect, it } from 'vitest';
import { call, createApiKey, createApp, expectError, register } from '../test/helpers';

describe('apps', () => {
  it('creates, lists, gets and updates an app', async () => {
    const acct = await register();
    const app = await createApp(acct, 'Production');
    expect(app.id).toMatch(/^app_/);
    const list = await call('/v1/apps', { auth: acct.token });
    expect(list.json.data.map((a: { id: string }) => a.id)).toContain(app.id);
    const updated = await call(`/v1/apps/${app.id}`, {
      method: 'PATCH',
      auth: acct.token,
      body: { name: 'Prod', settings: { max_quality: '720p' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ name: 'Prod', settings: { max_quality: '720p' }, status: 'active' });
    expect((await call(`/v1/apps/${app.id}`, { auth: acct.token })).json.name).toBe('Prod');
  });

  it('archives: the app leaves the default list and its API keys stop working until unarchived', async () => {
    const acct = await register();
    const app = await createApp(acct);
    const key = await createApiKey(acct, app.id);
    const archived = await call(`/v1/apps/${app.id}/archive`, { method: 'POST', auth: acct.token });
    expect(archived.json.status).toBe('archived');
    expect((await call('/v1/apps', { auth: acct.token })).json.data).toHaveLength(0);
    expect((await call('/v1/apps?include_archived=true', { auth: acct.token })).json.data).toHaveLength(1);
    expectError(await call('/v1/api-keys', { auth: key.token }), 403);
    await call(`/v1/apps/${app.id}/unarchive`, { method: 'POST', auth: acct.token });
    expect((await call('/v1/api-keys', { auth: key.token })).status).toBe(200);
  });

  it('deletes an app and everything in it', async () => {
    const acct = await register();
    const app = await createApp(acct);
    const key = await createApiKey(acct, app.id);
    expect((await call(`/v1/apps/${app.id}`, { method: 'DELETE', auth: acct.token })).status).toBe(204);
    expectError(await call(`/v1/apps/${app.id}`, { auth: acct.token }), 404);
    expectError(await call('/v1/api-keys', { auth: key.token }), 401);
  });

  it('refuses to create an app in an org you are not a member of', async () => {
    const a = await register();
    const b = await register();
    expectError(await call('/v1/apps', { auth: b.token, body: { org_id: a.orgId, name: 'x' } }), 404);
    expectError(await call('/v1/apps', { auth: b.token, body: { org_id: 'app_wrongkind', name: 'x' } }), 404);
  });

  it('validates settings', async () => {
    const acct = await register();
    const app = await createApp(acct);
    expectError(
      await call(`/v1/apps/${app.id}`, {
        method: 'PATCH',
        auth: acct.token,
        body: { settings: { max_quality: '4k' } },
      }),
      400,
      'invalid_request',
    );
    expectError(await call(`/v1/apps/${app.id}`, { method: 'PATCH', auth: acct.token, body: { name: '' } }), 400);
  });

  it("refuses an archived app's API key everywhere, console paths included (403)", async () => {
    const acct = await register();
    const app = await createApp(acct);
    const key = await createApiKey(acct, app.id);
    expect((await call(`/v1/apps/${app.id}/streams`, { auth: key.token })).status).toBe(200);
    await call(`/v1/apps/${app.id}/archive`, { method: 'POST', auth: acct.token });
    expectError(await call(`/v1/apps/${app.id}/streams`, { auth: key.token }), 403, 'forbidden');
    expectError(await call(`/v1/apps/${app.id}`, { auth: key.token }), 403, 'forbidden');
    expectError(await call(`/v1/apps/${app.id}/api-keys`, { auth: key.token, body: { name: 'k' } }), 403);
    expectError(await call('/v1/api-keys', { auth: key.token, body: { name: 'k' } }), 403);
    expectError(await call('/v1/streams', { auth: key.token }), 403);
  });

  it('lists the apps of a user in more orgs than D1 takes bound parameters (no 500)', async () => {
    const acct = await register();
    // 110 orgs (the first from registration): more than D1's 100 bound parameters per statement.
    for (let i = 0; i < 109; i++) {
      const res = await call('/v1/orgs', { auth: acct.token, body: { name: `org ${i}` } });
      expect(res.status, res.text).toBe(201);
    }
    const app = await createApp(acct);
    const list = await call('/v1/apps?limit=100', { auth: acct.token });
    expect(list.status, list.text).toBe(200);
    expect(list.json.data.map((a: { id: string }) => a.id)).toEqual([app.id]);
    expect((await call('/v1/orgs', { auth: acct.token })).json.data).toHaveLength(110);
  });
});
