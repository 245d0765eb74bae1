import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';

describe('signing keys', () => {
  it('returns the private key once and keeps only the public key', async () => {
    const { key } = await tenant();
    const created = await call('/v1/signing-keys', { auth: key.token, body: { name: 'player' } });
    expect(created.status).toBe(201);
    expect(created.json.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(atob(created.json.private_key_base64)).toBe(created.json.private_key);
    expect(created.json).toMatchObject({ id: expect.stringMatching(/^sk_/), algorithm: 'RS256', name: 'player' });

    const got = await call(`/v1/signing-keys/${created.json.id}`, { auth: key.token });
    expect(got.json.public_key).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(got.json.private_key).toBeUndefined();
    const list = await call('/v1/signing-keys', { auth: key.token });
    expect(list.json.data.map((k: { id: string }) => k.id)).toEqual([created.json.id]);
    expect(JSON.stringify(list.json)).not.toContain('PRIVATE KEY');
  });

  it('deletes, and a deleted key answers 404', async () => {
    const { key } = await tenant();
    const created = await call('/v1/signing-keys', { auth: key.token, body: {} });
    expect((await call(`/v1/signing-keys/${created.json.id}`, { method: 'DELETE', auth: key.token })).status).toBe(204);
    expectError(await call(`/v1/signing-keys/${created.json.id}`, { auth: key.token }), 404, 'not_found');
  });

  it('refuses callers without credentials', async () => {
    expectError(await call('/v1/signing-keys'), 401);
    expectError(await call('/v1/signing-keys', { body: {} }), 401);
  });
});
