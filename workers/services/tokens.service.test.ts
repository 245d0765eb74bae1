import { env } from 'cloudflare:test';
import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../core/db/client';
import { call, tenant } from '../test/helpers';
import { TokenError, verifyViewerToken } from './tokens.service';

async function setup() {
  const t = await tenant();
  const res = await call('/v1/signing-keys', { auth: t.key.token, body: {} });
  expect(res.status).toBe(201);
  return { ...t, signingKey: res.json as { id: string; private_key: string; public_key: string } };
}

async function sign(
  pem: string,
  kid: string,
  claims: Record<string, unknown>,
  exp: number | null = Math.floor(Date.now() / 1000) + 600,
) {
  const key = await importPKCS8(pem, 'RS256');
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid });
  if (exp !== null) jwt.setExpirationTime(exp);
  return jwt.sign(key);
}

const db = () => createDb(env.DB);

async function refusal(token: string | undefined, expect_: Parameters<typeof verifyViewerToken>[2]) {
  try {
    await verifyViewerToken(db(), token, expect_);
  } catch (err) {
    if (err instanceof TokenError) return { code: err.code, status: err.status };
    throw err;
  }
  throw new Error('token was accepted');
}

describe('viewer token verifier', () => {
  it('accepts a token signed with the customer private key, returning the app and claims', async () => {
    const { app, signingKey } = await setup();
    const token = await sign(signingKey.private_key, signingKey.id, { sub: 'pb_abc', aud: 'v' });
    const ok = await verifyViewerToken(db(), token, { aud: 'v', sub: 'pb_abc', appId: app.id });
    expect(ok.appId).toBe(app.id);
    expect(ok.kid).toBe(signingKey.id);
    expect(ok.claims.sub).toBe('pb_abc');
  });

  it('refuses each kind of bad token with its own code', async () => {
    const { app, signingKey } = await setup();
    const other = await setup();
    const good = { sub: 'pb_abc', aud: 'v' };
    const exp = { aud: 'v' as const, sub: 'pb_abc', appId: app.id };
    expect(await refusal(undefined, exp)).toEqual({ code: 'token_missing', status: 401 });
    expect(await refusal('not-a-jwt', exp)).toMatchObject({ code: 'token_malformed' });
    // Signed by another key but claiming ours as kid: signature mismatch.
    expect(await refusal(await sign(other.signingKey.private_key, signingKey.id, good), exp)).toMatchObject({
      code: 'bad_signature',
      status: 401,
    });
    expect(await refusal(await sign(signingKey.private_key, 'sk_doesnotexist000000', good), exp)).toMatchObject({
      code: 'unknown_key',
    });
    expect(await refusal(await sign(signingKey.private_key, signingKey.id, { ...good, aud: 't' }), exp)).toEqual({
      code: 'wrong_audience',
      status: 403,
    });
    expect(await refusal(await sign(signingKey.private_key, signingKey.id, { ...good, sub: 'pb_other' }), exp)).toEqual(
      { code: 'wrong_subject', status: 403 },
    );
    expect(
      // Past the 30 s clock tolerance.
      await refusal(await sign(signingKey.private_key, signingKey.id, good, Math.floor(Date.now() / 1000) - 60), exp),
    ).toMatchObject({ code: 'token_expired', status: 401 });
    expect(await refusal(await sign(signingKey.private_key, signingKey.id, good, null), exp)).toMatchObject({
      code: 'token_malformed',
    });
    expect(
      await refusal(
        await sign(signingKey.private_key, signingKey.id, { ...good, nbf: Math.floor(Date.now() / 1000) + 3600 }),
        exp,
      ),
    ).toMatchObject({ code: 'token_not_yet_valid' });
    // A valid token of another app does not open this app's objects.
    expect(await refusal(await sign(other.signingKey.private_key, other.signingKey.id, good), exp)).toEqual({
      code: 'wrong_app',
      status: 403,
    });
  });

  it('stops accepting tokens of a deleted signing key', async () => {
    const { key, app, signingKey } = await setup();
    const token = await sign(signingKey.private_key, signingKey.id, { sub: 'u1', aud: 'chat' });
    await verifyViewerToken(db(), token, { aud: 'chat', appId: app.id });
    expect((await call(`/v1/signing-keys/${signingKey.id}`, { method: 'DELETE', auth: key.token })).status).toBe(204);
    expect(await refusal(token, { aud: 'chat', appId: app.id })).toMatchObject({ code: 'unknown_key' });
  });
});
