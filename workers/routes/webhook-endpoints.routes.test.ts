import { describe, expect, it } from 'vitest';
import { call, createApp, expectError, register, tenant, unique } from '../test/helpers';
import { createEndpoint, DEAD_URL } from '../test/webhooks';

async function viewerOf(owner: Awaited<ReturnType<typeof tenant>>) {
  const viewer = await register(unique('viewer'));
  const inv = await call(`/v1/orgs/${owner.acct.orgId}/invitations`, {
    auth: owner.acct.token,
    body: { email: viewer.email, role: 'viewer' },
  });
  expect(inv.status, inv.text).toBe(201);
  expect((await call('/v1/invitations/accept', { auth: viewer.token, body: { token: inv.json.token } })).status).toBe(
    200,
  );
  return viewer;
}

describe('webhook endpoints', () => {
  it('creates, lists, gets, updates and deletes; the secret is shown once', async () => {
    const { key, app } = await tenant();
    const created = await call('/v1/webhook-endpoints', {
      auth: key.token,
      body: {
        url: 'https://example.com/hooks',
        description: 'prod',
        event_types: ['stream.*', 'recording.ready', 'stream.*'],
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({
      app_id: app.id,
      url: 'https://example.com/hooks',
      description: 'prod',
      event_types: ['stream.*', 'recording.ready'],
      enabled: true,
      disabled_reason: null,
      failing_since: null,
    });
    expect(created.json.id).toMatch(/^we_/);
    expect(created.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const got = await call(`/v1/webhook-endpoints/${created.json.id}`, { auth: key.token });
    expect(got.status).toBe(200);
    expect(got.json.secret).toBeUndefined();
    expect(got.text).not.toContain(created.json.secret.slice(6));

    const listed = await call('/v1/webhook-endpoints', { auth: key.token });
    expect(listed.json.data.map((e: { id: string }) => e.id)).toEqual([created.json.id]);
    expect(listed.text).not.toContain(created.json.secret.slice(6));

    const patched = await call(`/v1/webhook-endpoints/${created.json.id}`, {
      method: 'PATCH',
      auth: key.token,
      body: { event_types: ['*'], description: '' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ event_types: ['*'], description: '', url: 'https://example.com/hooks' });

    const off = await call(`/v1/webhook-endpoints/${created.json.id}`, {
      method: 'PATCH',
      auth: key.token,
      body: { enabled: false },
    });
    expect(off.json).toMatchObject({ enabled: false, disabled_reason: 'manual' });
    const on = await call(`/v1/webhook-endpoints/${created.json.id}`, {
      method: 'PATCH',
      auth: key.token,
      body: { enabled: true },
    });
    expect(on.json).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null });

    expect((await call(`/v1/webhook-endpoints/${created.json.id}`, { method: 'DELETE', auth: key.token })).status).toBe(
      204,
    );
    expectError(await call(`/v1/webhook-endpoints/${created.json.id}`, { auth: key.token }), 404, 'not_found');
  });

  it('refuses bad input with 400 and the error envelope', async () => {
    const { key } = await tenant();
    const bad = [
      { url: 'not a url' },
      { url: 'ftp://example.com/x' },
      { url: 'https://user:pw@example.com/x' },
      { url: 'https://example.com/x', event_types: [] },
      { url: 'https://example.com/x', event_types: ['stream.actve'] },
      { url: 'https://example.com/x', event_types: ['strem.*'] },
      { url: 'https://example.com/x', event_types: 'stream.*' },
      { url: 'https://example.com/x', enabled: 'yes' },
      { url: 'https://example.com/x', secret: 'whsec_mine' },
      { description: 'no url' },
      { url: `https://example.com/${'x'.repeat(2100)}` },
    ];
    for (const body of bad)
      expectError(await call('/v1/webhook-endpoints', { auth: key.token, body }), 400, 'invalid_request');
    expectError(
      await call('/v1/webhook-endpoints', {
        auth: key.token,
        raw: '{oops',
        headers: { 'content-type': 'application/json' },
      }),
      400,
    );
    const e = await createEndpoint(key.token);
    expectError(await call(`/v1/webhook-endpoints/${e.id}`, { method: 'PATCH', auth: key.token, body: {} }), 400);
    expectError(
      await call(`/v1/webhook-endpoints/${e.id}`, { method: 'PATCH', auth: key.token, body: { url: 'gopher://x' } }),
      400,
    );
    expectError(
      await call(`/v1/webhook-endpoints/${e.id}/rotate-secret`, { auth: key.token, body: { overlap_seconds: -1 } }),
      400,
    );
    expectError(
      await call(`/v1/webhook-endpoints/${e.id}/redeliver`, { auth: key.token, body: { since: 'yesterday' } }),
      400,
    );
    expectError(await call(`/v1/webhook-endpoints/${e.id}/deliveries?cursor=garbage`, { auth: key.token }), 400);
    expectError(await call('/v1/webhook-endpoints/not-an-id', { auth: key.token }), 404);
  });

  it('rotates the secret and reports the overlap', async () => {
    const { key } = await tenant();
    const e = await createEndpoint(key.token);
    const before = Date.now();
    const r = await call(`/v1/webhook-endpoints/${e.id}/rotate-secret`, {
      auth: key.token,
      body: { overlap_seconds: 3600 },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.secret).toMatch(/^whsec_/);
    expect(r.json.secret).not.toBe(e.secret);
    const expires = Date.parse(r.json.previous_secret_expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expires).toBeLessThan(Date.now() + 3600_000 + 1000);
    const noOverlap = await call(`/v1/webhook-endpoints/${e.id}/rotate-secret`, { method: 'POST', auth: key.token });
    expect(noOverlap.status).toBe(200);
    expect(noOverlap.json.previous_secret_expires_at).not.toBeNull();
    const immediate = await call(`/v1/webhook-endpoints/${e.id}/rotate-secret`, {
      auth: key.token,
      body: { overlap_seconds: 0 },
    });
    expect(immediate.json.previous_secret_expires_at).toBeNull();
  });

  it('lets viewers read but not change, and serves console sessions under /v1/apps/{app_id}', async () => {
    const owner = await tenant();
    const viaConsole = await call(`/v1/apps/${owner.app.id}/webhook-endpoints`, {
      auth: owner.acct.token,
      body: { url: 'https://example.com/c', event_types: ['stream.*'] },
    });
    expect(viaConsole.status, viaConsole.text).toBe(201);
    const viewer = await viewerOf(owner);
    const path = `/v1/apps/${owner.app.id}/webhook-endpoints`;
    expect((await call(path, { auth: viewer.token })).status).toBe(200);
    expect((await call(`${path}/${viaConsole.json.id}/deliveries`, { auth: viewer.token })).status).toBe(200);
    expectError(await call(path, { auth: viewer.token, body: { url: 'https://example.com/v' } }), 403, 'forbidden');
    expectError(await call(`${path}/${viaConsole.json.id}`, { method: 'DELETE', auth: viewer.token }), 403);
    expectError(await call(`${path}/${viaConsole.json.id}/rotate-secret`, { method: 'POST', auth: viewer.token }), 403);
    expectError(await call(`${path}/${viaConsole.json.id}/test`, { method: 'POST', auth: viewer.token }), 403);
    // A console session must use the app path; /v1/webhook-endpoints is for API keys.
    expectError(await call('/v1/webhook-endpoints', { auth: owner.acct.token }), 403);
    expectError(await call('/v1/webhook-endpoints'), 401);
  });

  it("answers 404 for another tenant's endpoints, deliveries and app", async () => {
    const a = await tenant();
    const b = await tenant();
    const mine = await createEndpoint(a.key.token);
    for (const [method, path] of [
      ['GET', `/v1/webhook-endpoints/${mine.id}`],
      ['PATCH', `/v1/webhook-endpoints/${mine.id}`],
      ['DELETE', `/v1/webhook-endpoints/${mine.id}`],
      ['POST', `/v1/webhook-endpoints/${mine.id}/rotate-secret`],
      ['POST', `/v1/webhook-endpoints/${mine.id}/test`],
      ['GET', `/v1/webhook-endpoints/${mine.id}/deliveries`],
      ['GET', `/v1/webhook-endpoints/${mine.id}/attempts`],
    ] as const) {
      const body = method === 'PATCH' ? { description: 'x' } : undefined;
      expectError(await call(path, { method, auth: b.key.token, body }), 404);
    }
    expect((await call('/v1/webhook-endpoints', { auth: b.key.token })).json.data).toEqual([]);
    expectError(await call(`/v1/apps/${a.app.id}/webhook-endpoints`, { auth: b.acct.token }), 404);
    // The same user's other app does not see it either.
    const other = await createApp(a.acct);
    expect((await call(`/v1/apps/${other.id}/webhook-endpoints`, { auth: a.acct.token })).json.data).toEqual([]);
    expect((await call(`/v1/webhook-endpoints/${mine.id}`, { auth: a.key.token })).status).toBe(200);
  });

  it('limits endpoints per app and pages the list', async () => {
    const { key } = await tenant();
    for (let i = 0; i < 20; i++) await createEndpoint(key.token, { url: `${DEAD_URL}/${i}` });
    expectError(await call('/v1/webhook-endpoints', { auth: key.token, body: { url: DEAD_URL } }), 409);
    const p1 = await call('/v1/webhook-endpoints?limit=15', { auth: key.token });
    const p2 = await call(`/v1/webhook-endpoints?limit=15&cursor=${p1.json.next_cursor}`, { auth: key.token });
    expect(p1.json.data).toHaveLength(15);
    expect(p2.json.data).toHaveLength(5);
    expect(p2.json.next_cursor).toBeNull();
  });
});
