import { describe, expect, it } from 'vitest';
import { call, expectError, register } from '../test/helpers';
import { SoftAuthenticator } from '../test/soft-authenticator';

/**
 * Passkeys: enrol one from a session, sign in with it alone (no password, no TOTP code), and the
 * refusals: a reused or foreign challenge, another origin, a signature that does not verify, a
 * passkey nobody registered, one without user verification, and another user's passkey id.
 */
const ORIGIN = 'http://localhost:5173';
const headers = { origin: ORIGIN };

async function enrolled() {
  const acct = await register();
  const auth = await SoftAuthenticator.create();
  const opts = await call('/v1/auth/passkeys/register/options', { auth: acct.token, method: 'POST', headers });
  expect(opts.status, opts.text).toBe(200);
  expect(opts.json.rp).toEqual({ name: 'Edgelive', id: 'localhost' });
  const created = await call('/v1/auth/passkeys', {
    auth: acct.token,
    headers,
    body: { response: await auth.register(opts.json, ORIGIN), name: 'Laptop' },
  });
  expect(created.status, created.text).toBe(201);
  return { acct, auth, passkey: created.json };
}

async function signInWith(auth: SoftAuthenticator, origin = ORIGIN, flags?: number) {
  const opts = await call('/v1/auth/passkeys/sign-in/options', { method: 'POST', headers: { origin } });
  expect(opts.status, opts.text).toBe(200);
  const response = await auth.authenticate(opts.json, origin, flags);
  return { res: await call('/v1/auth/passkeys/sign-in', { headers: { origin }, body: { response } }), response };
}

describe('passkeys', () => {
  it('enrols a passkey and signs in with it alone; it is listed with its last use', async () => {
    const { acct, auth, passkey } = await enrolled();
    expect(passkey).toMatchObject({ name: 'Laptop', last_used_at: null });
    expect(passkey.id).toMatch(/^pkey_/);
    const { res } = await signInWith(auth);
    expect(res.status, res.text).toBe(200);
    expect(res.json.user.id).toBe(acct.userId);
    expect(res.headers.get('set-cookie')).toContain('HttpOnly');
    const me = await call('/v1/auth/me', { auth: res.json.token });
    expect(me.json.user.email).toBe(acct.email);
    const listed = await call('/v1/auth/passkeys', { auth: acct.token });
    expect(listed.json.data).toHaveLength(1);
    expect(listed.json.data[0].last_used_at).not.toBeNull();
  });

  it('works for an account with TOTP on without asking for a code (the passkey verified its user)', async () => {
    const { acct, auth } = await enrolled();
    const started = await call('/v1/auth/totp/enroll', { auth: acct.token, method: 'POST' });
    expect(started.status).toBe(201);
    const { totpAt } = await import('../services/totp');
    const code = await totpAt(started.json.secret, Date.now());
    expect((await call('/v1/auth/totp/confirm', { auth: acct.token, body: { code } })).status).toBe(200);
    expectError(
      await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } }),
      401,
      'two_factor_required',
    );
    expect((await signInWith(auth)).res.status).toBe(200);
  });

  it('refuses a reused challenge, another origin, a bad signature, no user verification and unknown passkeys', async () => {
    const { auth } = await enrolled();
    // The same answer twice: its challenge was spent by the first.
    const { res, response } = await signInWith(auth);
    expect(res.status).toBe(200);
    expectError(await call('/v1/auth/passkeys/sign-in', { headers, body: { response } }), 400, 'invalid_challenge');
    // Made on a page that is not the console.
    expectError((await signInWith(auth, 'https://evil.example')).res, 400, 'passkey_refused');
    // Answered without user verification (flags: present only).
    expectError((await signInWith(auth, ORIGIN, 0x01)).res, 400, 'passkey_refused');
    // A signature over something else.
    const opts = await call('/v1/auth/passkeys/sign-in/options', { method: 'POST', headers });
    const forged = await auth.authenticate(opts.json, ORIGIN);
    const other = await auth.authenticate({ ...opts.json, challenge: 'b3RoZXI' }, ORIGIN);
    forged.response.signature = other.response.signature;
    expectError(
      await call('/v1/auth/passkeys/sign-in', { headers, body: { response: forged } }),
      400,
      'passkey_refused',
    );
    // A passkey no account registered.
    const stranger = await SoftAuthenticator.create();
    expectError((await signInWith(stranger)).res, 401);
    // Malformed answers are 400s.
    expectError(await call('/v1/auth/passkeys/sign-in', { headers, body: { response: { id: 'x' } } }), 400);
  });

  it("refuses a registration answer to another user's challenge, and scopes listing and removal to the owner", async () => {
    const a = await enrolled();
    const b = await register();
    const opts = await call('/v1/auth/passkeys/register/options', { auth: a.acct.token, method: 'POST', headers });
    const answer = await (await SoftAuthenticator.create()).register(opts.json, ORIGIN);
    expectError(
      await call('/v1/auth/passkeys', { auth: b.token, headers, body: { response: answer } }),
      400,
      'invalid_challenge',
    );
    expect((await call('/v1/auth/passkeys', { auth: b.token })).json.data).toEqual([]);
    expectError(await call(`/v1/auth/passkeys/${a.passkey.id}`, { auth: b.token, method: 'DELETE' }), 404);
    expect((await call(`/v1/auth/passkeys/${a.passkey.id}`, { auth: a.acct.token, method: 'DELETE' })).status).toBe(
      204,
    );
    // Removed: it signs in no more.
    expectError((await signInWith(a.auth)).res, 401);
  });
});
