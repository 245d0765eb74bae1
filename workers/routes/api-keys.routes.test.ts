import { describe, expect, it } from 'vitest';
import { call, createApiKey, expectError, tenant } from '../test/helpers';

describe('API keys', () => {
  it('shows the secret once at creation and never in a list or get', async () => {
    const { acct, app } = await tenant();
    const created = await createApiKey(acct, app.id);
    expect(created.secret).toMatch(/^sk_/);
    expect(created.token).toBe(`${created.id}:${created.secret}`);
    const list = await call(`/v1/apps/${app.id}/api-keys`, { auth: acct.token });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.json)).not.toContain(created.secret);
    const one = await call(`/v1/apps/${app.id}/api-keys/${created.id}`, { auth: acct.token });
    expect(one.json.secret).toBeUndefined();
    expect(one.json.status).toBe('active');
  });

  it('authenticates with Bearer id:secret and with HTTP Basic, and records last_used_at', async () => {
    const { key } = await tenant();
    expect((await call('/v1/api-keys', { auth: key.token })).status).toBe(200);
    const basic = await call('/v1/api-keys', { auth: `Basic ${btoa(key.token)}` });
    expect(basic.status).toBe(200);
    const me = basic.json.data.find((k: { id: string }) => k.id === key.id);
    expect(me.last_used_at).toEqual(expect.any(String));
  });

  it('refuses a wrong secret, a malformed pair and an unknown key with 401', async () => {
    const { key } = await tenant();
    expectError(await call('/v1/api-keys', { auth: `${key.id}:sk_wrong` }), 401, 'unauthorized');
    expectError(await call('/v1/api-keys', { auth: 'nonsense:' }), 401);
    expectError(await call('/v1/api-keys', { auth: 'key_AAAAAAAAAAAAAAAAAAAA:sk_x' }), 401);
    expectError(await call('/v1/api-keys', { auth: 'Basic !!!notbase64' }), 401);
  });

  it('revokes: the key stops working at once', async () => {
    const { acct, app, key } = await tenant();
    // Revoking is for the console (issue 11: a key cannot manage keys).
    const revoked = await call(`/v1/apps/${app.id}/api-keys/${key.id}`, { method: 'DELETE', auth: acct.token });
    expect(revoked.status).toBe(200);
    expect(revoked.json.status).toBe('revoked');
    expectError(await call('/v1/api-keys', { auth: key.token }), 401);
  });

  it('rotates: a new secret under the same name, the old one revoked', async () => {
    const { acct, app, key } = await tenant();
    const rotated = await call(`/v1/apps/${app.id}/api-keys/${key.id}/rotate`, { method: 'POST', auth: acct.token });
    expect(rotated.status).toBe(201);
    expect(rotated.json.id).not.toBe(key.id);
    expect(rotated.json.name).toBe('test key');
    expectError(await call('/v1/api-keys', { auth: key.token }), 401);
    expect((await call('/v1/api-keys', { auth: rotated.json.token })).status).toBe(200);
    // A revoked key cannot be rotated again.
    expectError(await call(`/v1/apps/${app.id}/api-keys/${key.id}/rotate`, { method: 'POST', auth: acct.token }), 404);
  });

  it('pages with a cursor, newest first', async () => {
    const { acct, app } = await tenant();
    for (let i = 0; i < 4; i++) await createApiKey(acct, app.id);
    const first = await call(`/v1/apps/${app.id}/api-keys?limit=2`, { auth: acct.token });
    expect(first.json.data).toHaveLength(2);
    const second = await call(`/v1/apps/${app.id}/api-keys?limit=2&cursor=${first.json.next_cursor}`, {
      auth: acct.token,
    });
    const third = await call(`/v1/apps/${app.id}/api-keys?limit=2&cursor=${second.json.next_cursor}`, {
      auth: acct.token,
    });
    const ids = [...first.json.data, ...second.json.data, ...third.json.data].map((k: { id: string }) => k.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.json.next_cursor).toBeNull();
    expectError(await call(`/v1/apps/${app.id}/api-keys?cursor=garbage`, { auth: acct.token }), 400, 'invalid_request');
  });

  it('a console session cannot use customer paths, and an API key cannot reach console-only routes', async () => {
    const { acct, key } = await tenant();
    expectError(await call('/v1/api-keys', { auth: acct.token }), 403, 'forbidden');
    expectError(await call('/v1/auth/me', { auth: key.token }), 403);
    expectError(await call('/v1/orgs', { auth: key.token }), 403);
  });

  it('an API key cannot mint, rotate or revoke API keys: that is for console sessions (403)', async () => {
    const { acct, app, key } = await tenant();
    const other = await createApiKey(acct, app.id);
    for (const path of ['/v1/api-keys', `/v1/apps/${app.id}/api-keys`]) {
      expectError(await call(path, { auth: key.token, body: { name: 'minted by a key' } }), 403, 'forbidden');
      expectError(await call(`${path}/${other.id}/rotate`, { method: 'POST', auth: key.token }), 403, 'forbidden');
      expectError(await call(`${path}/${other.id}`, { method: 'DELETE', auth: key.token }), 403, 'forbidden');
    }
    // Nothing changed: the other key still works and no key was added.
    expect((await call('/v1/api-keys', { auth: other.token })).json.data).toHaveLength(2);
    // A key still reads the list and its entries.
    expect((await call(`/v1/api-keys/${other.id}`, { auth: key.token })).json.status).toBe('active');
  });
});
