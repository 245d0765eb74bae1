import { describe, expect, it } from 'vitest';
import { call, expectError, register, unique } from '../test/helpers';

describe('console accounts', () => {
  it('registers, answers who-am-I by bearer and by cookie, and signs out', async () => {
    const acct = await register();
    const me = await call('/v1/auth/me', { auth: acct.token });
    expect(me.status).toBe(200);
    expect(me.json.user.email).toBe(acct.email);
    expect(me.json.orgs).toEqual([expect.objectContaining({ id: acct.orgId, role: 'owner' })]);

    const byCookie = await call('/v1/auth/me', { headers: { cookie: `edgelive_session=${acct.token}` } });
    expect(byCookie.status).toBe(200);

    expect((await call('/v1/auth/logout', { method: 'POST', auth: acct.token })).status).toBe(204);
    expectError(await call('/v1/auth/me', { auth: acct.token }), 401, 'unauthorized');
  });

  it('sets an HttpOnly SameSite session cookie on sign-in', async () => {
    const acct = await register();
    const res = await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/edgelive_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('refuses a duplicate email, a short password and unknown fields', async () => {
    const acct = await register();
    expectError(
      await call('/v1/auth/register', { body: { email: acct.email, password: 'another long one', name: 'x' } }),
      409,
      'conflict',
    );
    expectError(
      await call('/v1/auth/register', { body: { email: `${unique('u')}@example.com`, password: 'short', name: 'x' } }),
      400,
      'invalid_request',
    );
    expectError(
      await call('/v1/auth/register', {
        body: { email: `${unique('u')}@example.com`, password: 'long enough pw', name: 'x', admin: true },
      }),
      400,
    );
  });

  it('refuses a wrong password with 401 and the same message as an unknown account', async () => {
    const acct = await register();
    const wrong = await call('/v1/auth/login', {
      body: { email: acct.email, password: 'not the password' },
      headers: { 'cf-connecting-ip': '198.51.100.1' },
    });
    const unknown = await call('/v1/auth/login', {
      body: { email: `${unique('nobody')}@example.com`, password: 'whatever pw' },
      headers: { 'cf-connecting-ip': '198.51.100.1' },
    });
    expectError(wrong, 401);
    expectError(unknown, 401);
    expect(wrong.json.error.message).toBe(unknown.json.error.message);
  });

  it('refuses a forged session token', async () => {
    expectError(await call('/v1/auth/me', { auth: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c3JfeCJ9.sig' }), 401);
    expectError(await call('/v1/auth/me'), 401);
  });

  it('concurrent registrations of one email: one account, the others a clear 409', async () => {
    const email = `${unique('race')}@example.com`;
    const body = { email, password: 'correct horse battery', name: 'Racer' };
    const results = await Promise.all(Array.from({ length: 5 }, () => call('/v1/auth/register', { body })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expectError(r, 409, 'conflict');
  });
});
