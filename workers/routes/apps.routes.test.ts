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
});
