import { describe, expect, it } from 'vitest';
import { totpAt } from '../services/totp';
import { call, createApp, expectError, register } from '../test/helpers';

/** Second factor end to end through the Worker: enrol, sign in with a code, no reuse, recovery codes once. */
async function enrol(token: string) {
  const started = await call('/v1/auth/totp/enroll', { auth: token, method: 'POST' });
  expect(started.status, started.text).toBe(201);
  const { secret, otpauth_uri } = started.json;
  expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/Edgelive:.*secret=[A-Z2-7]+.*period=30/);
  const at = Date.now();
  const used = await totpAt(secret, at);
  const confirmed = await call('/v1/auth/totp/confirm', { auth: token, body: { code: used } });
  expect(confirmed.status, confirmed.text).toBe(200);
  return { secret: secret as string, recovery: confirmed.json.recovery_codes as string[], used, at };
}

describe('TOTP second factor', () => {
  it('enrols, then sign-in needs a code; a reused or older code is refused; a recovery code works once', async () => {
    const acct = await register();
    const { secret, recovery, used, at } = await enrol(acct.token);
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    const login = (extra: Record<string, string> = {}) =>
      call('/v1/auth/login', { body: { email: acct.email, password: acct.password, ...extra } });

    const bare = await login();
    expectError(bare, 401, 'two_factor_required');
    expect(bare.json.error.details.methods).toEqual(['totp_code', 'recovery_code']);
    // The enrolment code's step is spent: the same code cannot sign in.
    expectError(await login({ totp_code: used }), 401, 'invalid_two_factor');
    const next = await totpAt(secret, at + 30_000);
    const ok = await login({ totp_code: next });
    expect(ok.status, ok.text).toBe(200);
    expectError(await login({ totp_code: next }), 401, 'invalid_two_factor');
    expectError(await login({ totp_code: '000000' }), 401, 'invalid_two_factor');
    // A wrong password never reaches the second factor.
    expectError(
      await call('/v1/auth/login', { body: { email: acct.email, password: 'nope nope nope', totp_code: next } }),
      401,
      'unauthorized',
    );

    expect((await login({ recovery_code: recovery[3]!.toUpperCase() })).status).toBe(200);
    expectError(await login({ recovery_code: recovery[3]! }), 401, 'invalid_two_factor');
    expect((await login({ recovery_code: recovery[4]! })).status).toBe(200);
  });

  it('enrolment needs a right first code; turning it off needs the password', async () => {
    const acct = await register();
    await call('/v1/auth/totp/enroll', { auth: acct.token, method: 'POST' });
    expectError(
      await call('/v1/auth/totp/confirm', { auth: acct.token, body: { code: '123456' } }),
      401,
      'invalid_two_factor',
    );
    expect((await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } })).status).toBe(200);
    await enrol(acct.token);
    expectError(await call('/v1/auth/totp/enroll', { auth: acct.token, method: 'POST' }), 409);
    expectError(await call('/v1/auth/totp/disable', { auth: acct.token, body: { password: 'wrong one' } }), 401);
    expect((await call('/v1/auth/totp/disable', { auth: acct.token, body: { password: acct.password } })).status).toBe(
      204,
    );
    expect((await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } })).status).toBe(200);
  });

  it('an org can require it of every member: members without it get 403 on the org and its apps', async () => {
    const owner = await register();
    const app = await createApp(owner);
    const member = await register();
    const inv = await call(`/v1/orgs/${owner.orgId}/invitations`, {
      auth: owner.token,
      body: { email: member.email, role: 'developer' },
    });
    expect((await call('/v1/invitations/accept', { auth: member.token, body: { token: inv.json.token } })).status).toBe(
      200,
    );

    const security = `/v1/orgs/${owner.orgId}/security`;
    expectError(await call(security, { method: 'PATCH', auth: owner.token, body: { require_two_factor: true } }), 409);
    await enrol(owner.token);
    const on = await call(security, { method: 'PATCH', auth: owner.token, body: { require_two_factor: true } });
    expect(on.status, on.text).toBe(200);
    expect(on.json.require_two_factor).toBe(true);
    expectError(
      await call(security, { method: 'PATCH', auth: member.token, body: { require_two_factor: false } }),
      403,
    );

    expectError(await call(`/v1/orgs/${owner.orgId}`, { auth: member.token }), 403, 'two_factor_required');
    expectError(await call(`/v1/apps/${app.id}/streams`, { auth: member.token }), 403, 'two_factor_required');
    expect((await call(`/v1/apps/${app.id}/streams`, { auth: owner.token })).status).toBe(200);
    await enrol(member.token);
    expect((await call(`/v1/apps/${app.id}/streams`, { auth: member.token })).status).toBe(200);
  });
});
