import { describe, expect, it } from 'vitest';
import { call, createApp, expectError, register } from '../test/helpers';

/** API key scopes: a key does what its scopes say on both mounts, and the document says which. */
async function keyWith(scopes?: string[], extra: Record<string, unknown> = {}) {
  const acct = await register();
  const app = await createApp(acct);
  const res = await call(`/v1/apps/${app.id}/api-keys`, {
    auth: acct.token,
    body: { name: 'scoped', scopes, ...extra },
  });
  return { acct, app, res };
}

describe('API key scopes', () => {
  it('a streams:read key lists streams and gets 403 insufficient_scope naming streams:write on create', async () => {
    const { res, app } = await keyWith(['streams:read']);
    expect(res.status, res.text).toBe(201);
    expect(res.json.scopes).toEqual(['streams:read']);
    const key = res.json.token;
    expect((await call('/v1/streams', { auth: key })).status).toBe(200);
    const refused = await call('/v1/streams', { auth: key, body: { name: 'nope' } });
    expectError(refused, 403, 'insufficient_scope');
    expect(refused.json.error.message).toContain('streams:write');
    expect(refused.json.error.details.required_scope).toBe('streams:write');
    // Another resource entirely, and the console mount of its own app: the same rule.
    expectError(await call('/v1/rooms', { auth: key }), 403, 'insufficient_scope');
    expectError(
      await call(`/v1/apps/${app.id}/streams`, { auth: key, body: { name: 'nope' } }),
      403,
      'insufficient_scope',
    );
    expect((await call(`/v1/apps/${app.id}/streams`, { auth: key })).status).toBe(200);
  });

  it('resource:* covers read and write; * (the default) covers everything', async () => {
    const rooms = (await keyWith(['rooms:*'])).res.json.token;
    const created = await call('/v1/rooms', { auth: rooms, body: { name: 'lobby' } });
    expect(created.status, created.text).toBe(201);
    expect((await call('/v1/rooms', { auth: rooms })).status).toBe(200);
    expectError(await call('/v1/streams', { auth: rooms }), 403, 'insufficient_scope');
    const all = (await keyWith()).res;
    expect(all.json.scopes).toEqual(['*']);
    expect((await call('/v1/streams', { auth: all.json.token, body: { name: 'ok' } })).status).toBe(201);
  });

  it('refuses unknown scopes with 400 and lists the known ones', async () => {
    const { res } = await keyWith(['streams:read', 'straems:read']);
    expectError(res, 400, 'invalid_request');
    expect(res.json.error.details.unknown).toEqual(['straems:read']);
    expect(res.json.error.details.known).toContain('webhooks:write');
    expectError((await keyWith(['streams:delete'])).res, 400, 'invalid_request');
  });

  it('key management stays with console sessions, whatever the key’s scopes', async () => {
    const key = (await keyWith(['*'])).res.json.token;
    expectError(await call('/v1/api-keys', { auth: key, body: { name: 'minted' } }), 403);
  });

  it('rotating a key keeps its scopes and limit', async () => {
    const { acct, app, res } = await keyWith(['streams:read'], { rate_limit_per_minute: 42 });
    const rotated = await call(`/v1/apps/${app.id}/api-keys/${res.json.id}/rotate`, {
      auth: acct.token,
      method: 'POST',
    });
    expect(rotated.status, rotated.text).toBe(201);
    expect(rotated.json).toMatchObject({ scopes: ['streams:read'], rate_limit_per_minute: 42 });
  });

  it('the OpenAPI document names the scope of every app-resource operation', async () => {
    const doc = (await call('/v1/openapi.json')).json;
    expect(doc.paths['/v1/streams'].get['x-required-scope']).toBe('streams:read');
    expect(doc.paths['/v1/streams'].post['x-required-scope']).toBe('streams:write');
    expect(doc.paths['/v1/streams'].post.security).toContainEqual({ api_key: ['streams:write'] });
    expect(doc.paths['/v1/apps/{app_id}/webhook-endpoints'].post['x-required-scope']).toBe('webhooks:write');
    expect(doc.components.securitySchemes.api_key).toMatchObject({ type: 'http', scheme: 'bearer' });
    const missing: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
      if (!/^\/v1\/(apps\/\{app_id\}\/)?(streams|rooms|webhook-endpoints|events|signing-keys|api-keys)/.test(path))
        continue;
      // The room sockets take a chat token (or a console session), never a key: they declare their own security.
      if (path.endsWith('/ws')) continue;
      for (const [method, op] of Object.entries(ops)) if (!op['x-required-scope']) missing.push(`${method} ${path}`);
    }
    expect(missing).toEqual([]);
  });
});
