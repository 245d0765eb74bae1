import { EVENT_TYPES } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { call, createApiKey, createApp, expectError, register, tenant, unique } from '../test/helpers';
import { MAX_TYPE_PATTERNS } from './events.schema';

type Ev = {
  id: string;
  type: string;
  timestamp: string;
  app_id: string;
  object: { type: string; id: string };
  data: Record<string, unknown>;
};
const list = async (auth: string, q = '') => {
  const r = await call(`/v1/events${q}`, { auth });
  expect(r.status, r.text).toBe(200);
  return r.json as { data: Ev[]; next_cursor: string | null };
};

describe('events API', () => {
  it('records api_key.created and api_key.revoked with the key as the API shows it', async () => {
    const t = await tenant();
    // Keys are managed from the console (issue 11); the events are read with the key.
    const keys = `/v1/apps/${t.app.id}/api-keys`;
    const k = (await call(keys, { auth: t.acct.token, body: { name: 'ci' } })).json;
    await call(`${keys}/${k.id}`, { method: 'DELETE', auth: t.acct.token });
    await call(`${keys}/${k.id}`, { method: 'DELETE', auth: t.acct.token }); // idempotent: no second event
    const { data } = await list(t.key.token, `?object_id=${k.id}`);
    expect(data.map((e) => e.type)).toEqual(['api_key.revoked', 'api_key.created']);
    expect(data[1]).toMatchObject({
      app_id: t.app.id,
      object: { type: 'api_key', id: k.id },
      data: { id: k.id, name: 'ci', status: 'active' },
    });
    expect(data[0]!.data).toMatchObject({ status: 'revoked' });
    expect(data[0]!.id).toMatch(/^evt_/);
    expect(JSON.stringify(data)).not.toContain(k.secret);
    expect((await call(`/v1/events/${data[0]!.id}`, { auth: t.key.token })).json).toEqual(data[0]);

    const rotated = (await call(`${keys}/${t.key.id}/rotate`, { method: 'POST', auth: t.acct.token })).json;
    const after = await list(rotated.token, '?type=api_key.*&limit=2');
    expect(after.data.map((e) => e.type)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(after.data.map((e) => e.object.id)).toEqual([rotated.id, t.key.id]);
  });

  it('filters by type (exact, wildcard, several), object and time, and pages with a cursor', async () => {
    const t = await tenant();
    // tenant() made one key already: 7 api_key events in all, 6 of them after `start`.
    const start = new Date().toISOString();
    const keys = `/v1/apps/${t.app.id}/api-keys`;
    for (let i = 0; i < 4; i++) await call(keys, { auth: t.acct.token, body: { name: `k${i}` } });
    const k = (await call(keys, { auth: t.acct.token, body: { name: 'last' } })).json;
    await call(`${keys}/${k.id}`, { method: 'DELETE', auth: t.acct.token });
    expect((await list(t.key.token, '?type=api_key.revoked')).data).toHaveLength(1);
    expect((await list(t.key.token, '?type=api_key.*')).data).toHaveLength(7);
    expect((await list(t.key.token, '?type=api_key.revoked,api_key.created')).data).toHaveLength(7);
    expect((await list(t.key.token, '?type=stream.*')).data).toHaveLength(0);
    expect((await list(t.key.token, `?since=${start}&type=*`)).data).toHaveLength(6);
    expect((await list(t.key.token, `?until=${start}`)).data.map((e) => e.object.id)).toEqual([t.key.id]);
    const p1 = await list(t.key.token, '?limit=4');
    const p2 = await list(t.key.token, `?limit=4&cursor=${p1.next_cursor}`);
    expect(p1.data).toHaveLength(4);
    expect(p2.data).toHaveLength(3);
    expect(p2.next_cursor).toBeNull();
    expect(new Set([...p1.data, ...p2.data].map((e) => e.id)).size).toBe(7);
    for (const q of [
      '?type=stream.actve',
      '?type=api-key.*',
      '?since=yesterday',
      '?limit=0',
      '?limit=101',
      '?cursor=nope',
    ]) {
      expectError(await call(`/v1/events${q}`, { auth: t.key.token }), 400, 'invalid_request');
    }
  });

  it("keeps every app's events to itself", async () => {
    const a = await tenant();
    const b = await tenant();
    await call('/v1/api-keys', { auth: a.key.token, body: { name: 'a' } });
    const [ev] = (await list(a.key.token)).data;
    expectError(await call(`/v1/events/${ev!.id}`, { auth: b.key.token }), 404);
    expect((await list(b.key.token)).data.every((e) => e.app_id === b.app.id)).toBe(true);
    expectError(await call(`/v1/apps/${a.app.id}/events`, { auth: b.acct.token }), 404);
    expect((await call(`/v1/apps/${a.app.id}/events/${ev!.id}`, { auth: a.acct.token })).status).toBe(200);
    expectError(await call('/v1/events/evt_doesnotexist00'), 401);
  });

  it('records org member events once in every active app of the org', async () => {
    const owner = await tenant();
    const second = await createApp(owner.acct);
    const archived = await createApp(owner.acct);
    expect((await call(`/v1/apps/${archived.id}/archive`, { method: 'POST', auth: owner.acct.token })).status).toBe(
      200,
    );
    const secondKey = await createApiKey(owner.acct, second.id);
    const invitee = await register(unique('invitee'));
    const inv = await call(`/v1/orgs/${owner.acct.orgId}/invitations`, {
      auth: owner.acct.token,
      body: { email: invitee.email, role: 'developer' },
    });
    expect(inv.status, inv.text).toBe(201);
    await call('/v1/invitations/accept', { auth: invitee.token, body: { token: inv.json.token } });
    const members = (await call(`/v1/orgs/${owner.acct.orgId}/members`, { auth: owner.acct.token })).json.data;
    const m = members.find((x: { email: string }) => x.email === invitee.email);
    expect(
      (await call(`/v1/orgs/${owner.acct.orgId}/members/${m.id}`, { method: 'DELETE', auth: owner.acct.token })).status,
    ).toBe(204);

    for (const [auth, appId] of [
      [owner.key.token, owner.app.id],
      [secondKey.token, second.id],
    ] as const) {
      const { data } = await list(auth, '?type=member.*');
      expect(data.map((e) => e.type)).toEqual(['member.removed', 'member.invited']);
      expect(data.every((e) => e.app_id === appId)).toBe(true);
      expect(data[1]).toMatchObject({
        object: { type: 'invitation', id: inv.json.id },
        data: { email: invitee.email, role: 'developer', org_id: owner.acct.orgId },
      });
      expect(JSON.stringify(data[1])).not.toContain(inv.json.token);
      expect(data[0]).toMatchObject({ object: { type: 'member', id: m.id }, data: { user_id: invitee.userId } });
    }
    const r = await call(`/v1/apps/${archived.id}/events?type=member.*`, { auth: owner.acct.token });
    expect(r.status).toBe(200);
    expect(r.json.data).toEqual([]);
  });

  it('takes types repeated or comma-separated, drops repeats, and refuses too many with 400 (never a 500)', async () => {
    const t = await tenant();
    // 150 copies of one pattern: one distinct pattern, answered (D1 allows 100 bound parameters).
    const repeated = Array.from({ length: 150 }, () => 'type=api_key.*').join('&');
    expect((await list(t.key.token, `?${repeated}`)).data).toHaveLength(1);
    // 55 prefixes in one comma list (two bound parameters each): a 500 from D1 before deduplication.
    expect((await list(t.key.token, `?type=${Array(55).fill('stream.*').join(',')}`)).data).toHaveLength(0);
    expect((await list(t.key.token, '?type=api_key.created&type=stream.*')).data).toHaveLength(1);
    // More distinct patterns than the cap: a 400 naming the parameter.
    const distinct = [...EVENT_TYPES].slice(0, MAX_TYPE_PATTERNS + 1);
    expect(distinct).toHaveLength(MAX_TYPE_PATTERNS + 1);
    const tooMany = await call(`/v1/events?${distinct.map((d) => `type=${d}`).join('&')}`, { auth: t.key.token });
    expectError(tooMany, 400, 'invalid_request');
    expect(JSON.stringify(tooMany.json.error.details)).toContain('type');
    // Up to the cap works, prefixes included (each costs two bound parameters).
    const prefixes = [...new Set(EVENT_TYPES.map((e) => `${e.split('.')[0]}.*`))];
    const atCap = [...prefixes, ...EVENT_TYPES].slice(0, MAX_TYPE_PATTERNS);
    expect((await call(`/v1/events?type=${atCap.join(',')}`, { auth: t.key.token })).status).toBe(200);
  });
});
