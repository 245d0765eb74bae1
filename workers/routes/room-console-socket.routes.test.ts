import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, call, expectError, register } from '../test/helpers';
import { chatTenant, cid, TestSocket } from '../test/rooms';

/** Invites `who` into the tenant's org with `role`; the console session is all they hold. */
async function member(owner: { token: string; orgId: string }, role: string) {
  const who = await register();
  const inv = await call(`/v1/orgs/${owner.orgId}/invitations`, {
    auth: owner.token,
    body: { email: who.email, role },
  });
  expect(inv.status, inv.text).toBe(201);
  const ok = await call('/v1/invitations/accept', { auth: who.token, body: { token: inv.json.token } });
  expect(ok.status, ok.text).toBe(200);
  return who;
}

function open(appId: string, roomId: string, auth?: string, upgrade = true) {
  const headers: Record<string, string> = {};
  if (upgrade) headers.upgrade = 'websocket';
  if (auth) headers.authorization = `Bearer ${auth}`;
  return exports.default.fetch(new Request(`${BASE}/v1/apps/${appId}/rooms/${roomId}/ws`, { headers }));
}

async function joinAs(appId: string, roomId: string, auth: string) {
  const res = await open(appId, roomId, auth);
  expect(res.status, res.status === 101 ? '' : await res.text()).toBe(101);
  res.webSocket!.accept();
  const s = new TestSocket(res.webSocket!);
  return { s, snapshot: await s.next('snapshot') };
}

describe('console room socket', () => {
  it('maps org roles to chat roles: owner → admin, developer → moderator, viewer → read-only', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const dev = await member(t.acct, 'developer');
    const viewer = await member(t.acct, 'viewer');

    const o = await joinAs(t.app.id, room.id, t.acct.token);
    expect(o.snapshot.you).toMatchObject({ id: `console:${t.acct.userId}`, role: 'admin', anonymous: false });
    const d = await joinAs(t.app.id, room.id, dev.token);
    expect(d.snapshot.you).toMatchObject({ id: `console:${dev.userId}`, role: 'moderator', anonymous: false });
    const v = await joinAs(t.app.id, room.id, viewer.token);
    expect(v.snapshot.you).toMatchObject({ anonymous: true });

    // The owner's message reaches the others, under the member's name.
    const client_id = cid();
    o.s.send({ type: 'send', client_id, text: 'hello from the console' });
    const acked = await o.s.next('ack', (f) => f.client_id === client_id);
    expect(acked.message.user).toMatchObject({ id: `console:${t.acct.userId}`, role: 'admin' });
    expect((await v.s.next('message')).message.text).toBe('hello from the console');

    // A viewer's socket is read-only.
    v.s.send({ type: 'send', client_id: cid(), text: 'can I?' });
    expect(await v.s.next('error')).toMatchObject({ code: 'read_only' });
    for (const x of [o, d, v]) x.s.close();
  });

  it('refuses another org’s session, API keys, and plain HTTP', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const stranger = await register();
    const res = await open(t.app.id, room.id, stranger.token);
    expect(res.status).toBe(404);
    // Another app's id in the path with this room: the room is not in that app.
    const other = await chatTenant();
    expect((await open(other.app.id, room.id, other.acct.token)).status).toBe(404);
    expect((await open(t.app.id, room.id, t.key.token)).status).toBe(403);
    expect((await open(t.app.id, room.id)).status).toBe(401);
    const plain = await call(`/v1/apps/${t.app.id}/rooms/${room.id}/ws`, { auth: t.acct.token });
    expectError(plain, 426, 'upgrade_required');
  });

  it('works after the room’s settings change behind the object’s back (the stale-config path)', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const first = await joinAs(t.app.id, room.id, t.acct.token);
    expect(first.snapshot.room.settings.slow_mode_seconds).toBeNull();
    // The row moves on without the object being told (say, its configure call failed): the next
    // hand-over carries a newer version, and the object must reload by the room's id.
    await env.DB.prepare('UPDATE rooms SET settings = ?, updated_at = updated_at + 1000 WHERE id = ?')
      .bind(JSON.stringify({ ...room.settings, slow_mode_seconds: 5 }), room.id)
      .run();
    const again = await joinAs(t.app.id, room.id, t.acct.token);
    expect(again.snapshot.room).toMatchObject({ id: room.id, settings: { slow_mode_seconds: 5 } });
    for (const x of [first, again]) x.s.close();
  });
});
