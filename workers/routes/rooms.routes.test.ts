import { env } from 'cloudflare:test';
import { CLOSE } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { createRoomFor, endRoomSession } from '../services/rooms.service';
import { call, expectError } from '../test/helpers';
import { chatTenant, join, say } from '../test/rooms';

describe('rooms API', () => {
  it('creates, lists, reads, updates and deletes rooms with settings', async () => {
    const t = await chatTenant();
    const created = await call('/v1/rooms', {
      auth: t.key.token,
      body: {
        name: 'Town hall',
        settings: { slow_mode_seconds: 5, blocklist: { words: ['spoiler'] } },
        metadata: { topic: 'q&a' },
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({
      id: expect.stringMatching(/^room_/),
      app_id: t.app.id,
      name: 'Town hall',
      kind: 'app',
      stream_id: null,
      metadata: { topic: 'q&a' },
      settings: {
        slow_mode_seconds: 5,
        max_message_length: 500,
        anonymous_read: false,
        retention_days: null,
        blocklist: { words: ['spoiler'], patterns: [], action: 'block' },
      },
    });
    const id = created.json.id as string;
    const u = await join(id, { token: await t.tokenFor('u') });
    const got = await call(`/v1/rooms/${id}`, { auth: t.key.token });
    expect(got.json).toMatchObject({ id, live: { viewers: 1, members: 1, peak: 1 } });
    const patched = await call(`/v1/rooms/${id}`, {
      auth: t.key.token,
      method: 'PATCH',
      body: { name: 'Renamed', settings: { max_message_length: 10, blocklist: { patterns: ['x+y'] } } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.settings).toMatchObject({
      slow_mode_seconds: 5,
      max_message_length: 10,
      blocklist: { words: ['spoiler'], patterns: ['x+y'] },
    });
    expect((await u.s.next('room_updated')).settings.max_message_length).toBe(10);
    u.s.send({ type: 'send', client_id: 'long', text: 'more than ten characters' });
    expect(await u.s.next('error')).toMatchObject({ code: 'invalid', ref: 'long' });

    await call('/v1/rooms', { auth: t.key.token, body: {} });
    const list = await call('/v1/rooms?limit=1', { auth: t.key.token });
    expect(list.json.data).toHaveLength(1);
    const list2 = await call(`/v1/rooms?limit=1&cursor=${list.json.next_cursor}`, { auth: t.key.token });
    expect(list2.json.data[0].id).toBe(id);

    expect((await call(`/v1/rooms/${id}`, { auth: t.key.token, method: 'DELETE' })).status).toBe(204);
    expect(await u.s.waitClosed()).toMatchObject({ code: CLOSE.roomDeleted });
    expectError(await call(`/v1/rooms/${id}`, { auth: t.key.token }), 404);
    const events = await env.DB.prepare(
      'SELECT type FROM events WHERE app_id = ? AND object_id = ? ORDER BY created_at',
    )
      .bind(t.app.id, id)
      .all<{ type: string }>();
    expect(events.results.map((e) => e.type)).toEqual(['room.created', 'room.updated', 'room.deleted']);
  });

  it('rejects bad input with 4xx envelopes', async () => {
    const t = await chatTenant();
    const bad: unknown[] = [
      { settings: { slow_mode_seconds: 0 } },
      { settings: { slow_mode_seconds: 121 } },
      { settings: { max_message_length: 0 } },
      { settings: { retention_days: 0 } },
      { settings: { unknown: 1 } },
      { kind: 'stream' },
      { kind: 'direct' },
      { kind: 'direct', members: ['a', 'a'] },
      { kind: 'direct', members: ['a'] },
      { members: ['a', 'b'] },
      { name: '' },
      'nope',
    ];
    for (const body of bad) {
      const r =
        typeof body === 'string'
          ? await call('/v1/rooms', {
              auth: t.key.token,
              raw: body,
              headers: { 'content-type': 'application/json' },
              method: 'POST',
            })
          : await call('/v1/rooms', { auth: t.key.token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expectError(r, 400);
    }
    expectError(await call('/v1/rooms/room_x/messages?cursor=garbage', { auth: t.key.token }), 404);
    const room = await t.createRoom();
    expectError(await call(`/v1/rooms/${room.id}/messages?cursor=garbage`, { auth: t.key.token }), 400);
    expectError(await call(`/v1/rooms/${room.id}/bans`, { auth: t.key.token, body: { user_id: 'has space' } }), 400);
    expectError(
      await call(`/v1/rooms/${room.id}/flags/flg_nope/resolve`, { auth: t.key.token, body: { action: 'dismiss' } }),
      404,
    );
    expectError(await call('/v1/rooms'), 401);
  });

  it('isolates tenants: another app’s rooms answer 404 on every route', async () => {
    const a = await chatTenant();
    const b = await chatTenant();
    const room = await a.createRoom({ name: 'private' });
    const routes: [string, string, unknown?][] = [
      ['GET', `/v1/rooms/${room.id}`],
      ['PATCH', `/v1/rooms/${room.id}`, { name: 'x' }],
      ['DELETE', `/v1/rooms/${room.id}`],
      ['GET', `/v1/rooms/${room.id}/messages`],
      ['POST', `/v1/rooms/${room.id}/messages`, { text: 'x' }],
      ['DELETE', `/v1/rooms/${room.id}/messages/msg_abcdefgh`],
      ['POST', `/v1/rooms/${room.id}/bans`, { user_id: 'u' }],
      ['GET', `/v1/rooms/${room.id}/bans`],
      ['DELETE', `/v1/rooms/${room.id}/bans/u`],
      ['POST', `/v1/rooms/${room.id}/mutes`, { user_id: 'u' }],
      ['POST', `/v1/rooms/${room.id}/shadow-bans`, { user_id: 'u' }],
      ['GET', `/v1/rooms/${room.id}/flags`],
      ['POST', `/v1/rooms/${room.id}/flags/flg_abcdefgh/resolve`, { action: 'dismiss' }],
    ];
    for (const [method, path, body] of routes) expectError(await call(path, { auth: b.key.token, method, body }), 404);
    expect((await call('/v1/rooms', { auth: b.key.token })).json.data).toEqual([]);
    // The console path for another org's app is a 404 too; the owner's console works.
    expectError(await call(`/v1/apps/${a.app.id}/rooms/${room.id}`, { auth: b.acct.token }), 404);
    expect((await call(`/v1/apps/${a.app.id}/rooms/${room.id}`, { auth: a.acct.token })).status).toBe(200);
    // Sockets: a token signed by the other app cannot open this room.
    expect((await (await import('../test/rooms')).openSocket(room.id, { token: await b.tokenFor('u') })).status).toBe(
      403,
    );
  });

  it('direct rooms: one per pair, members only', async () => {
    const t = await chatTenant();
    const first = await call('/v1/rooms', { auth: t.key.token, body: { kind: 'direct', members: ['zoe', 'adam'] } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ kind: 'direct', members: ['adam', 'zoe'] });
    const again = await call('/v1/rooms', { auth: t.key.token, body: { kind: 'direct', members: ['adam', 'zoe'] } });
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(first.json.id);
    const zoe = await join(first.json.id, { token: await t.tokenFor('zoe') });
    const adam = await join(first.json.id, { token: await t.tokenFor('adam') });
    await say(zoe.s, 'hi adam');
    expect((await adam.s.next('message')).message.text).toBe('hi adam');
    const { openSocket } = await import('../test/rooms');
    const eve = await openSocket(first.json.id, { token: await t.tokenFor('eve') });
    expect(eve.status).toBe(403);
    expect((await openSocket(first.json.id)).status).toBe(401);
  });

  it('gives a stream one room (createRoomFor) and reports its peak viewers when the session ends', async () => {
    const t = await chatTenant();
    const one = await createRoomFor(env, t.app.id, { kind: 'stream', streamId: 'str_testtesttest01' });
    const two = await createRoomFor(env, t.app.id, { kind: 'stream', streamId: 'str_testtesttest01' });
    expect(two.id).toBe(one.id);
    expect(
      (await call('/v1/rooms?kind=stream', { auth: t.key.token })).json.data.map((r: { id: string }) => r.id),
    ).toEqual([one.id]);
    const socks = [];
    for (let i = 0; i < 3; i++) socks.push(await join(one.id, { token: await t.tokenFor(`v${i}`) }));
    socks[0]!.s.close();
    await new Promise((r) => setTimeout(r, 100));
    const s = await endRoomSession(env, t.app.id, 'str_testtesttest01');
    expect(s?.peak).toBe(3);
    const ev = await env.DB.prepare("SELECT data FROM events WHERE app_id = ? AND type = 'viewers.peak'")
      .bind(t.app.id)
      .first<{ data: string }>();
    expect(JSON.parse(ev!.data)).toMatchObject({ room_id: one.id, stream_id: 'str_testtesttest01', peak_viewers: 3 });
  });
});
