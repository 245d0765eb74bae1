import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/crypto';
import { call, expectError, register, unique } from '../test/helpers';

/**
 * The mailed-link flows against the real Worker and D1. Tokens are planted the way the service
 * stores them (only their hash), because workerd tests have no mail server; the links arriving by
 * SMTP are proven by e2e/accounts-email.test.ts.
 */
async function plant(userId: string, purpose: string, email: string, opts: { ttlMs?: number } = {}) {
  const prefix = { verify_email: 'vfy', reset_password: 'rst', change_email: 'chg' }[purpose];
  const token = `${prefix}_${unique('t').replace(/-/g, '')}abcdefgh`;
  const t = Date.now();
  await env.DB.prepare(
    'INSERT INTO auth_tokens (id, user_id, purpose, token_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
    .bind(
      `atk_${unique('x').replace(/-/g, '')}`,
      userId,
      purpose,
      await sha256Hex(token),
      email,
      t,
      t + (opts.ttlMs ?? 60_000),
    )
    .run();
  return token;
}

describe('password reset', () => {
  it('answers the same for an address with an account and one without', async () => {
    const acct = await register();
    const known = await call('/v1/auth/password-reset', { body: { email: acct.email } });
    const unknown = await call('/v1/auth/password-reset', { body: { email: `${unique('nobody')}@example.com` } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    expectError(await call('/v1/auth/password-reset', { body: { email: 'not an address' } }), 400, 'invalid_request');
  });

  it('sets the new password once, signs every session out, and refuses the link again', async () => {
    const acct = await register();
    const second = await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } });
    const token = await plant(acct.userId, 'reset_password', acct.email);
    const ok = await call('/v1/auth/password-reset/confirm', { body: { token, password: 'a brand new password' } });
    expect(ok.status, ok.text).toBe(204);
    expectError(await call('/v1/auth/me', { auth: acct.token }), 401);
    expectError(await call('/v1/auth/me', { auth: second.json.token }), 401);
    expectError(await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } }), 401);
    const signedIn = await call('/v1/auth/login', { body: { email: acct.email, password: 'a brand new password' } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json.user.email_verified).toBe(true);
    const again = await call('/v1/auth/password-reset/confirm', { body: { token, password: 'yet another password' } });
    expectError(again, 400, 'invalid_token');
  });

  it('refuses an expired link, and one whose purpose is another', async () => {
    const acct = await register();
    const expired = await plant(acct.userId, 'reset_password', acct.email, { ttlMs: -1 });
    expectError(
      await call('/v1/auth/password-reset/confirm', { body: { token: expired, password: 'a brand new password' } }),
      400,
      'invalid_token',
    );
    const verify = await plant(acct.userId, 'verify_email', acct.email);
    expectError(
      await call('/v1/auth/password-reset/confirm', { body: { token: verify, password: 'a brand new password' } }),
      400,
      'invalid_token',
    );
    expect((await call('/v1/auth/login', { body: { email: acct.email, password: acct.password } })).status).toBe(200);
  });
});

describe('email verification', () => {
  it('a new account is unverified: it cannot accept an invitation or found a second org until the link is used', async () => {
    const owner = await register();
    const guest = await register(unique('guest'), { verified: false });
    expect((await call('/v1/auth/me', { auth: guest.token })).json.user.email_verified).toBe(false);
    const inv = await call(`/v1/orgs/${owner.orgId}/invitations`, {
      auth: owner.token,
      body: { email: guest.email, role: 'developer' },
    });
    expect(inv.status).toBe(201);
    expectError(
      await call('/v1/invitations/accept', { auth: guest.token, body: { token: inv.json.token } }),
      403,
      'email_unverified',
    );
    expectError(await call('/v1/orgs', { auth: guest.token, body: { name: 'second' } }), 403, 'email_unverified');
    expect((await call('/v1/auth/verify-email/send', { auth: guest.token, method: 'POST' })).status).toBe(202);

    const token = await plant(guest.userId, 'verify_email', guest.email);
    const verified = await call('/v1/auth/verify-email', { body: { token } });
    expect(verified.status, verified.text).toBe(200);
    expect(verified.json.user.email_verified).toBe(true);
    expectError(await call('/v1/auth/verify-email', { body: { token } }), 400, 'invalid_token');
    expect((await call('/v1/invitations/accept', { auth: guest.token, body: { token: inv.json.token } })).status).toBe(
      200,
    );
    expect((await call('/v1/orgs', { auth: guest.token, body: { name: 'second' } })).status).toBe(201);
  });

  it('a link sent to an address the account no longer has verifies nothing', async () => {
    const acct = await register(unique('u'), { verified: false });
    const token = await plant(acct.userId, 'verify_email', `${unique('old')}@example.com`);
    expectError(await call('/v1/auth/verify-email', { body: { token } }), 400, 'invalid_token');
    expect((await call('/v1/auth/me', { auth: acct.token })).json.user.email_verified).toBe(false);
  });
});

describe('email change', () => {
  it('needs the password, then the link mailed to the new address', async () => {
    const acct = await register();
    const fresh = `${unique('new')}@example.com`;
    expectError(
      await call('/v1/auth/email-change', { auth: acct.token, body: { new_email: fresh, password: 'wrong password' } }),
      401,
    );
    const asked = await call('/v1/auth/email-change', {
      auth: acct.token,
      body: { new_email: fresh, password: acct.password },
    });
    expect(asked.status).toBe(202);
    // An address that already has an account gets the same answer (and no link).
    const other = await register();
    const taken = await call('/v1/auth/email-change', {
      auth: acct.token,
      body: { new_email: other.email, password: acct.password },
    });
    expect(taken.status).toBe(202);
    expect(taken.text).toBe(asked.text);

    const token = await plant(acct.userId, 'change_email', fresh);
    expect((await call('/v1/auth/email-change/confirm', { body: { token } })).status).toBe(204);
    const me = await call('/v1/auth/me', { auth: acct.token });
    expect(me.json.user).toMatchObject({ email: fresh, email_verified: true });
    expect((await call('/v1/auth/login', { body: { email: fresh, password: acct.password } })).status).toBe(200);
    expectError(await call('/v1/auth/email-change/confirm', { body: { token } }), 400, 'invalid_token');
  });

  it('a link for an address someone took in the meantime is a 409 and changes nothing', async () => {
    const acct = await register();
    const other = await register();
    const token = await plant(acct.userId, 'change_email', other.email);
    expectError(await call('/v1/auth/email-change/confirm', { body: { token } }), 409);
    expect((await call('/v1/auth/me', { auth: acct.token })).json.user.email).toBe(acct.email);
  });
});
