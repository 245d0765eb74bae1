import { describe, expect, it } from 'vitest';
import { totpAt } from '../services/totp';
import { call, expectError, register, tenant } from '../test/helpers';
import { createStream, originCall, publish } from '../test/origin';

/**
 * The operator's admin area: who gets in (operators from OPERATOR_EMAILS with two-factor sign-in;
 * everyone else 404 on every path), suspension biting on keys, members, publishing and watch
 * pages, the kill switch, read-only view-as, and the operator audit log recording each action.
 */
/** One operator per file (the address is unique): made on first use. */
let made: ReturnType<typeof makeOperator> | undefined;
const operator = () => (made ??= makeOperator());

async function makeOperator() {
  const acct = await register('operator-admin');
  const started = await call('/v1/auth/totp/enroll', { auth: acct.token, method: 'POST' });
  const code = await totpAt(started.json.secret, Date.now());
  expect((await call('/v1/auth/totp/confirm', { auth: acct.token, body: { code } })).status).toBe(200);
  return acct;
}

async function adminOperations() {
  const doc = await call('/v1/openapi.json');
  const ops: { method: string; path: string }[] = [];
  for (const [path, methods] of Object.entries(doc.json.paths as Record<string, Record<string, unknown>>)) {
    if (!path.startsWith('/v1/admin/')) continue;
    for (const method of Object.keys(methods)) ops.push({ method: method.toUpperCase(), path });
  }
  return ops;
}

describe('admin area', () => {
  it('answers 404 on every admin operation to anyone but an operator, and 403 to an operator without 2FA', async () => {
    const t = await tenant();
    const no2fa = await register('operator-no2fa');
    const ops = await adminOperations();
    expect(ops.length).toBeGreaterThanOrEqual(8);
    const fill = (p: string) =>
      p
        .replace('{org_id}', t.acct.orgId)
        .replace('{stream_id}', 'str_AAAAAAAAAAAAAAAAAAAA')
        .replace('{user_id}', t.acct.userId);
    for (const op of ops) {
      const path = fill(op.path);
      const body = op.method === 'POST' ? { reason: 'x' } : undefined;
      for (const auth of [undefined, t.acct.token, t.key.token]) {
        const res = await call(path, { method: op.method, auth, body });
        expect(res.status, `${op.method} ${path} as ${auth?.slice(0, 4) ?? 'nobody'}: ${res.text}`).toBe(404);
      }
      // Even a malformed body: the area does not say it exists.
      if (op.method !== 'GET') {
        const raw = { raw: '{', headers: { 'content-type': 'application/json' } };
        expect((await call(path, { method: op.method, auth: t.acct.token, ...raw })).status).toBe(404);
      }
      expectError(await call(path, { method: op.method, auth: no2fa.token, body }), 403, 'two_factor_required');
    }
    // An unverified address on the list is not an operator either.
    const me = await call('/v1/auth/me', { auth: t.acct.token });
    expect(me.json.operator).toBe(false);
  });

  it('suspending an org refuses its key, its members, its publishes and its watch pages; unsuspending restores them', async () => {
    const op = await operator();
    const t = await tenant();
    const stream = await createStream(t.key.token, { playback_policies: ['public'] });
    expect((await publish(stream.stream_key)).status).toBe(200);
    const ch = await call('/v1/channels', { auth: t.key.token, body: { slug: 'susp', display_name: 'S' } });
    expect(ch.status, ch.text).toBe(201);

    const listed = await call('/v1/admin/orgs?limit=100', { auth: op.token });
    expect(listed.status, listed.text).toBe(200);
    const row = listed.json.data.find((o: { id: string }) => o.id === t.acct.orgId);
    expect(row).toMatchObject({ members: 1, apps: 1, live_streams: 1, suspended: false });

    const s = await call(`/v1/admin/orgs/${t.acct.orgId}/suspend`, {
      auth: op.token,
      body: { reason: 'abuse report #12' },
    });
    expect(s.status, s.text).toBe(200);
    expect(s.json).toMatchObject({ suspended: true, suspended_reason: 'abuse report #12' });

    expectError(await call('/v1/streams', { auth: t.key.token }), 403, 'org_suspended');
    expectError(await call(`/v1/apps/${t.app.id}/streams`, { auth: t.acct.token }), 403, 'org_suspended');
    expectError(await call(`/v1/orgs/${t.acct.orgId}/members`, { auth: t.acct.token }), 403, 'org_suspended');
    const me = await call('/v1/auth/me', { auth: t.acct.token });
    expect(me.json.orgs[0]).toMatchObject({ id: t.acct.orgId, suspended: true });
    // The live publisher's next status poll says stop; a new publish is refused.
    const status = await originCall(`/internal/origin/streams/${stream.id}/status`);
    expect(status.json).toMatchObject({ disabled: true });
    const again = await publish(stream.stream_key);
    expect(again.status).toBe(403);
    expect(again.json.error.code).toBe('org_suspended');
    const page = await call(`/watch/${t.app.id}/susp`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('This page is not available');
    expect(page.text).not.toContain('abuse');

    const u = await call(`/v1/admin/orgs/${t.acct.orgId}/unsuspend`, { auth: op.token, method: 'POST' });
    expect(u.json.suspended).toBe(false);
    expect((await call('/v1/streams', { auth: t.key.token })).status).toBe(200);
    expect((await call(`/watch/${t.app.id}/susp`)).status).toBe(200);
    expect((await originCall(`/internal/origin/streams/${stream.id}/status`)).json.disabled).toBe(false);

    const audit = await call(`/v1/admin/audit-log?org_id=${t.acct.orgId}`, { auth: op.token });
    expect(audit.json.data.map((e: { action: string }) => e.action)).toEqual(['org.unsuspend', 'org.suspend']);
    expect(audit.json.data[1]).toMatchObject({ operator_email: op.email, details: { reason: 'abuse report #12' } });
  });

  it('the kill switch disables a live stream and is audited; live streams are listed across orgs', async () => {
    const op = await operator();
    const t = await tenant();
    const stream = await createStream(t.key.token);
    expect((await publish(stream.stream_key)).status).toBe(200);
    const live = await call('/v1/admin/streams/live', { auth: op.token });
    expect(live.json.data.map((s: { id: string }) => s.id)).toContain(stream.id);
    const k = await call(`/v1/admin/streams/${stream.id}/kill`, { auth: op.token, body: { reason: 'copyright' } });
    expect(k.status, k.text).toBe(200);
    const after = await call(`/v1/streams/${stream.id}`, { auth: t.key.token });
    expect(after.json.status).toBe('disabled');
    expect((await originCall(`/internal/origin/streams/${stream.id}/status`)).json.disabled).toBe(true);
    expectError(await call('/v1/admin/streams/str_AAAAAAAAAAAAAAAAAAAA/kill', { auth: op.token, body: {} }), 404);
    const audit = await call(`/v1/admin/audit-log?org_id=${t.acct.orgId}`, { auth: op.token });
    expect(audit.json.data[0]).toMatchObject({
      action: 'stream.kill',
      target_id: stream.id,
      details: { reason: 'copyright' },
    });
  });

  it('view-as is read-only, audited, and ends back in the operator session', async () => {
    const op = await operator();
    const t = await tenant();
    const users = await call(`/v1/admin/users?email=${encodeURIComponent(t.acct.email)}`, { auth: op.token });
    expect(users.json.data.map((u: { id: string }) => u.id)).toEqual([t.acct.userId]);
    expectError(await call(`/v1/admin/users/${t.acct.userId}/view-as`, { auth: op.token, body: {} }), 400);
    const v = await call(`/v1/admin/users/${t.acct.userId}/view-as`, { auth: op.token, body: { reason: 'ticket 7' } });
    expect(v.status, v.text).toBe(200);
    const as = v.json.token as string;
    const me = await call('/v1/auth/me', { auth: as });
    expect(me.json).toMatchObject({
      user: { id: t.acct.userId },
      view_as: { operator_id: op.userId },
      operator: false,
    });
    expect((await call(`/v1/apps/${t.app.id}/streams`, { auth: as })).status).toBe(200);
    expectError(await call(`/v1/apps/${t.app.id}/streams`, { auth: as, body: {} }), 403, 'read_only_session');
    expectError(
      await call('/v1/apps', { auth: as, body: { org_id: t.acct.orgId, name: 'x' } }),
      403,
      'read_only_session',
    );
    // A view-as session cannot reach the admin area, even though an operator opened it.
    expect((await call('/v1/admin/orgs', { auth: as })).status).toBe(404);
    // Ending it hands back the operator's own session as the cookie.
    const end = await call('/v1/auth/view-as/end', { auth: as, method: 'POST' });
    expect(end.json).toEqual({ restored: true });
    expect(end.headers.get('set-cookie')).toMatch(/^edgelive_session=ey/);
    expectError(await call('/v1/auth/me', { auth: as }), 401);
    expectError(await call('/v1/auth/view-as/end', { auth: op.token, method: 'POST' }), 400, 'not_view_as');
    const audit = await call('/v1/admin/audit-log', { auth: op.token });
    expect(audit.json.data[0]).toMatchObject({
      action: 'user.view_as',
      target_id: t.acct.userId,
      details: { reason: 'ticket 7' },
    });
  });
});
