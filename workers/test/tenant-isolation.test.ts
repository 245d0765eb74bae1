import { describe, expect, it } from 'vitest';
import { recordedAsset } from './assets';
import { call, createApiKey, createApp, register } from './helpers';
import { allOperations, fill } from './route-inventory';

/**
 * For every app- and org-scoped route in the OpenAPI document: a second organization's session
 * and a second app's API key get 403 or 404, never data, and tenant A's objects are unchanged.
 */

/** Routes every caller may use (they act on the caller's own account) are not tenant-scoped. */
const UNSCOPED = new Set([
  '/auth/register',
  '/auth/login',
  '/auth/logout',
  '/auth/me',
  // Provider sign-in and leaving view-as act on the caller's own browser session.
  '/auth/oauth/providers',
  '/auth/oauth/{provider}/start',
  '/auth/oauth/{provider}/callback',
  '/auth/oauth/complete',
  '/auth/view-as/end',
  // The caller's own passkeys (another account's passkey id answers 404: auth-passkeys.routes.test.ts).
  '/auth/passkeys',
  '/orgs',
  '/apps',
  '/invitations/accept',
  '/openapi.json',
  '/reference',
  // Opened with an end user's chat token, not an API key: another app's token gets 403 (rooms.routes.test.ts).
  '/rooms/{room_id}/ws',
]);

async function tenantA() {
  const acct = await register();
  const app = await createApp(acct);
  const key = await createApiKey(acct, app.id);
  const otherKey = await createApiKey(acct, app.id);
  const signing = await call('/v1/signing-keys', { auth: key.token, body: { name: 'a' } });
  const inv = await call(`/v1/orgs/${acct.orgId}/invitations`, {
    auth: acct.token,
    body: { email: 'someone@example.com', role: 'viewer' },
  });
  const members = await call(`/v1/orgs/${acct.orgId}/members`, { auth: acct.token });
  const room = await call('/v1/rooms', { auth: key.token, body: { name: 'a' } });
  const message = await call(`/v1/rooms/${room.json.id}/messages`, { auth: key.token, body: { text: 'a' } });
  await call(`/v1/rooms/${room.json.id}/bans`, { auth: key.token, body: { user_id: 'user_a' } });
  await call('/v1/chat-bans', { auth: key.token, body: { user_id: 'user_a' } });
  const endpoint = await call('/v1/webhook-endpoints', { auth: key.token, body: { url: 'http://127.0.0.1:9/a' } });
  const test = await call(`/v1/webhook-endpoints/${endpoint.json.id}/test`, { method: 'POST', auth: key.token });
  const events = await call('/v1/events', { auth: key.token });
  const stream = await call('/v1/streams', { auth: key.token, body: { playback_policies: ['public'] } });
  const channel = await call('/v1/channels', { auth: key.token, body: { slug: 'matrix', display_name: 'M' } });
  const domain = await call('/v1/domains', { auth: key.token, body: { hostname: 'matrix.wedlive.test' } });
  const target = await call(`/v1/streams/${stream.json.id}/simulcast-targets`, {
    auth: key.token,
    body: { url: 'rtmp://example.com/live/k' },
  });
  const input = await call(`/v1/streams/${stream.json.id}/inputs`, { auth: key.token, body: { name: 'Camera 2' } });
  // One real id of tenant A per path parameter name. Features add theirs here.
  const ids: Record<string, string> = {
    org_id: acct.orgId,
    app_id: app.id,
    key_id: otherKey.id,
    signing_key_id: signing.json.id,
    invitation_id: inv.json.id,
    member_id: members.json.data[0].id,
    room_id: room.json.id,
    message_id: message.json.id,
    user_id: 'user_a',
    // Flags are filed from sockets; the room check answers before the flag is looked up.
    flag_id: 'flg_AAAAAAAAAAAAAAAAAAAA',
    endpoint_id: endpoint.json.id,
    delivery_id: test.json.delivery_id,
    event_id: events.json.data[0].id,
    stream_id: stream.json.id,
    playback_id: stream.json.playback_ids[0].id,
    channel_id: channel.json.id,
    asset_id: (await recordedAsset(key.token)).asset.id,
    target_id: target.json.id,
    upload_id: (await call('/v1/uploads', { auth: key.token, body: {} })).json.id,
    domain_id: domain.json.id,
    input_id: input.json.id,
    connector_id: 'con_AAAAAAAAAAAAAAAAAAAA',
    passkey_id: 'pkey_AAAAAAAAAAAAAAAAAAAA',
    // Invoices exist only for closed months; the org check answers before the invoice is looked up.
    invoice_id: 'in_AAAAAAAAAAAAAAAAAAAA',
  };
  return { acct, app, key, ids };
}

describe('tenant isolation matrix', () => {
  it('a second organization and a second app never reach tenant A', async () => {
    const a = await tenantA();
    const b = await register();
    const bApp = await createApp(b);
    const bKey = await createApiKey(b, bApp.id);
    // Customer paths without an id (`GET/POST /v1/api-keys`) act on the caller's own app: the
    // second test proves their lists never show A's objects.
    const ops = (await allOperations()).filter(
      (op) =>
        !UNSCOPED.has(op.path) &&
        (op.path.startsWith('/apps/') || op.path.startsWith('/orgs/') || op.path.includes('{')),
    );
    expect(ops.length).toBeGreaterThan(10);

    const leaks: string[] = [];
    for (const op of ops) {
      const path = `/v1${fill(op.path, a.ids)}`;
      const consolePath = op.path.startsWith('/apps/') || op.path.startsWith('/orgs/');
      // Console paths with B's session; customer paths with B's API key (which decides B's app).
      const auth = consolePath ? b.token : bKey.token;
      const body = ['POST', 'PATCH', 'PUT'].includes(op.method) ? {} : undefined;
      const res = await call(path, { method: op.method, auth, body });
      if (res.status !== 403 && res.status !== 404)
        leaks.push(`${op.method} ${path} -> ${res.status} ${res.text.slice(0, 120)}`);
      // B's API key on the console paths of A's app.
      if (consolePath && op.path.startsWith('/apps/')) {
        const viaKey = await call(path, { method: op.method, auth: bKey.token, body });
        if (![403, 404].includes(viaKey.status)) leaks.push(`(B key) ${op.method} ${path} -> ${viaKey.status}`);
      }
    }
    expect(leaks).toEqual([]);

    // Nothing of A's changed: its key works, its app is intact, its signing key still exists.
    expect((await call('/v1/api-keys', { auth: a.key.token })).status).toBe(200);
    expect((await call(`/v1/apps/${a.app.id}`, { auth: a.acct.token })).json.status).toBe('active');
    expect((await call(`/v1/signing-keys/${a.ids.signing_key_id}`, { auth: a.key.token })).status).toBe(200);
    expect((await call(`/v1/api-keys/${a.ids.key_id}`, { auth: a.key.token })).json.status).toBe('active');
  });

  it('lists never include another tenant’s objects', async () => {
    const a = await tenantA();
    const b = await register();
    const bApp = await createApp(b);
    const bKey = await createApiKey(b, bApp.id);
    const listOps = (await allOperations()).filter(
      // The operator's lists span every tenant by design; everyone else gets 404 (admin.routes.test.ts).
      (op) => op.method === 'GET' && !op.path.includes('{') && !UNSCOPED.has(op.path) && !op.path.startsWith('/admin/'),
    );
    for (const op of listOps) {
      const res = await call(`/v1${op.path}`, { auth: bKey.token });
      expect(res.status, `${op.path}: ${res.text}`).toBe(200);
      for (const id of Object.values(a.ids)) expect(res.text, op.path).not.toContain(id);
    }
    const apps = await call('/v1/apps', { auth: b.token });
    expect(apps.text).not.toContain(a.app.id);
  });
});
