import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../core/db/client';
import { invitations } from '../../core/db/schema/index';
import { type Account, call, createApp, expectError, register } from '../test/helpers';

/** Invites `who` into `owner`'s org with `role` and has them accept; returns the member id. */
async function join(owner: Account, who: Account, role: string) {
  const inv = await call(`/v1/orgs/${owner.orgId}/invitations`, {
    auth: owner.token,
    body: { email: who.email, role },
  });
  expect(inv.status, inv.text).toBe(201);
  expect(inv.json.accept_url).toContain(`token=${inv.json.token}`);
  const accepted = await call('/v1/invitations/accept', { auth: who.token, body: { token: inv.json.token } });
  expect(accepted.status, accepted.text).toBe(200);
  const members = await call(`/v1/orgs/${owner.orgId}/members`, { auth: owner.token });
  return members.json.data.find((m: { user_id: string }) => m.user_id === who.userId).id as string;
}

describe('organizations, roles and invitations', () => {
  it('invites, accepts, and the new member sees the org with its role', async () => {
    const owner = await register();
    const dev = await register();
    await join(owner, dev, 'developer');
    const orgs = await call('/v1/orgs', { auth: dev.token });
    expect(orgs.json.data).toContainEqual(expect.objectContaining({ id: owner.orgId, role: 'developer' }));
  });

  it('a viewer reads but cannot change anything', async () => {
    const owner = await register();
    const viewer = await register();
    await join(owner, viewer, 'viewer');
    const app = await createApp(owner);
    expect((await call(`/v1/apps/${app.id}`, { auth: viewer.token })).status).toBe(200);
    expect((await call(`/v1/apps/${app.id}/api-keys`, { auth: viewer.token })).status).toBe(200);
    expectError(
      await call(`/v1/apps/${app.id}/api-keys`, { auth: viewer.token, body: { name: 'k' } }),
      403,
      'forbidden',
    );
    expectError(await call(`/v1/apps/${app.id}`, { method: 'PATCH', auth: viewer.token, body: { name: 'x' } }), 403);
    expectError(await call('/v1/apps', { auth: viewer.token, body: { org_id: owner.orgId, name: 'x' } }), 403);
  });

  it('a developer creates resources but cannot delete apps or manage members', async () => {
    const owner = await register();
    const dev = await register();
    await join(owner, dev, 'developer');
    const created = await call('/v1/apps', { auth: dev.token, body: { org_id: owner.orgId, name: 'by dev' } });
    expect(created.status).toBe(201);
    const app = created.json;
    expect((await call(`/v1/apps/${app.id}/api-keys`, { auth: dev.token, body: { name: 'k' } })).status).toBe(201);
    expectError(await call(`/v1/apps/${app.id}`, { method: 'DELETE', auth: dev.token }), 403);
    expectError(
      await call(`/v1/orgs/${owner.orgId}/invitations`, {
        auth: dev.token,
        body: { email: 'x@example.com', role: 'viewer' },
      }),
      403,
    );
  });

  it('only owners manage members; the last owner cannot be removed or demoted', async () => {
    const owner = await register();
    const admin = await register();
    const adminMember = await join(owner, admin, 'admin');
    const members = await call(`/v1/orgs/${owner.orgId}/members`, { auth: owner.token });
    const ownerMember = members.json.data.find((m: { role: string }) => m.role === 'owner').id;
    expectError(
      await call(`/v1/orgs/${owner.orgId}/members/${ownerMember}`, { method: 'DELETE', auth: admin.token }),
      403,
    );
    expectError(
      await call(`/v1/orgs/${owner.orgId}/members/${ownerMember}`, { method: 'DELETE', auth: owner.token }),
      409,
      'conflict',
    );
    expectError(
      await call(`/v1/orgs/${owner.orgId}/members/${ownerMember}`, {
        method: 'PATCH',
        auth: owner.token,
        body: { role: 'viewer' },
      }),
      409,
    );
    const promoted = await call(`/v1/orgs/${owner.orgId}/members/${adminMember}`, {
      method: 'PATCH',
      auth: owner.token,
      body: { role: 'viewer' },
    });
    expect(promoted.json.role).toBe('viewer');
    expect(
      (await call(`/v1/orgs/${owner.orgId}/members/${adminMember}`, { method: 'DELETE', auth: owner.token })).status,
    ).toBe(204);
    expectError(await call(`/v1/orgs/${owner.orgId}`, { auth: admin.token }), 404);
  });

  it('refuses revoked, used, expired and mis-addressed invitations', async () => {
    const owner = await register();
    const guest = await register();
    const stranger = await register();
    const mk = async () =>
      (
        await call(`/v1/orgs/${owner.orgId}/invitations`, {
          auth: owner.token,
          body: { email: guest.email, role: 'viewer' },
        })
      ).json;

    const revoked = await mk();
    expect(
      (await call(`/v1/orgs/${owner.orgId}/invitations/${revoked.id}`, { method: 'DELETE', auth: owner.token })).status,
    ).toBe(204);
    expectError(await call('/v1/invitations/accept', { auth: guest.token, body: { token: revoked.token } }), 404);

    const wrongPerson = await mk();
    expectError(
      await call('/v1/invitations/accept', { auth: stranger.token, body: { token: wrongPerson.token } }),
      403,
    );

    const expired = await mk();
    await createDb(env.DB)
      .update(invitations)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(invitations.id, expired.id));
    expectError(
      await call('/v1/invitations/accept', { auth: guest.token, body: { token: expired.token } }),
      410,
      'expired',
    );
    const list = await call(`/v1/orgs/${owner.orgId}/invitations`, { auth: owner.token });
    expect(list.json.data.find((i: { id: string }) => i.id === expired.id).status).toBe('expired');

    expect(
      (await call('/v1/invitations/accept', { auth: guest.token, body: { token: wrongPerson.token } })).status,
    ).toBe(200);
    expectError(await call('/v1/invitations/accept', { auth: guest.token, body: { token: wrongPerson.token } }), 409);
  });

  it('invitations expire 7 days after they are made', async () => {
    const owner = await register();
    const inv = await call(`/v1/orgs/${owner.orgId}/invitations`, {
      auth: owner.token,
      body: { email: 'later@example.com', role: 'developer' },
    });
    const days = (Date.parse(inv.json.expires_at) - Date.parse(inv.json.created_at)) / 86_400_000;
    expect(days).toBe(7);
  });

  it('creates a second organization', async () => {
    const acct = await register();
    const org = await call('/v1/orgs', { auth: acct.token, body: { name: 'Side project' } });
    expect(org.status).toBe(201);
    expect((await call('/v1/orgs', { auth: acct.token })).json.data).toHaveLength(2);
    const renamed = await call(`/v1/orgs/${org.json.id}`, {
      method: 'PATCH',
      auth: acct.token,
      body: { name: 'Main project' },
    });
    expect(renamed.json.name).toBe('Main project');
  });

  it('accepting an old invitation cannot demote the last owner (409), and changes nothing', async () => {
    const owner = await register();
    // An invitation to the owner's own address, as a viewer: accepting it would leave no owner.
    const inv = await call(`/v1/orgs/${owner.orgId}/invitations`, {
      auth: owner.token,
      body: { email: owner.email, role: 'viewer' },
    });
    expect(inv.status, inv.text).toBe(201);
    const accepted = await call('/v1/invitations/accept', { auth: owner.token, body: { token: inv.json.token } });
    expectError(accepted, 409, 'conflict');
    const members = await call(`/v1/orgs/${owner.orgId}/members`, { auth: owner.token });
    expect(members.json.data.map((m: { role: string }) => m.role)).toEqual(['owner']);
    const invitations = await call(`/v1/orgs/${owner.orgId}/invitations`, { auth: owner.token });
    expect(invitations.json.data[0].status).toBe('pending');
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const a = await register();
    const b = await register();
    const bMember = await join(a, b, 'owner');
    const members = await call(`/v1/orgs/${a.orgId}/members`, { auth: a.token });
    const aMember = members.json.data.find((m: { user_id: string }) => m.user_id === a.userId).id;
    const results = await Promise.all([
      call(`/v1/orgs/${a.orgId}/members/${bMember}`, { method: 'PATCH', auth: a.token, body: { role: 'admin' } }),
      call(`/v1/orgs/${a.orgId}/members/${aMember}`, { method: 'PATCH', auth: b.token, body: { role: 'admin' } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    // Both are still members (one an admin now), so either may read the list.
    const after = await call(`/v1/orgs/${a.orgId}/members`, { auth: a.token });
    expect(after.json.data.filter((m: { role: string }) => m.role === 'owner')).toHaveLength(1);
  });
});
