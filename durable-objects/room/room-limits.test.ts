import { env, evictDurableObject } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { CLOSE, LIMITS } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { BASE, call } from '../../workers/test/helpers';
import { chatTenant, join, say, TestSocket } from '../../workers/test/rooms';

/** A socket from a given address (the Worker reads `cf-connecting-ip`), with or without a token. */
function openFrom(roomId: string, address: string, token?: string) {
  const q = token ? `?token=${token}` : '';
  return exports.default.fetch(
    new Request(`${BASE}/v1/rooms/${roomId}/ws${q}`, {
      headers: { upgrade: 'websocket', 'cf-connecting-ip': address },
    }),
  );
}

async function accepted(res: Response) {
  expect(res.status, res.status === 101 ? '' : await res.text()).toBe(101);
  res.webSocket!.accept();
  const s = new TestSocket(res.webSocket!);
  await s.next('snapshot');
  return s;
}

describe('per-user limits', () => {
  it('thirty alternating typing frames in one second reach another socket at most twice', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const typist = await join(room.id, { token: await t.tokenFor('typist') });
    const other = await join(room.id, { token: await t.tokenFor('other') });
    for (let i = 0; i < 30; i++) {
      typist.s.send({ type: 'typing', on: i % 2 === 0 });
      await new Promise((r) => setTimeout(r, 30));
    }
    await new Promise((r) => setTimeout(r, 300));
    const typing = other.s.frames.filter((f) => f.type === 'typing');
    expect(typing.length).toBeGreaterThan(0);
    expect(typing.length).toBeLessThanOrEqual(2);
  });

  it('one budget per user across every frame type and all their connections', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const watcher = await join(room.id, { token: await t.tokenFor('watcher') });
    const socks = [];
    for (let i = 0; i < 3; i++) socks.push(await join(room.id, { token: await t.tokenFor('tapper') }));
    // 20 frames per connection stays under the per-connection limit; 60 from one user does not.
    for (let i = 0; i < 20; i++) for (const x of socks) x.s.send({ type: 'burst', emoji: '🔥' });
    const burst = await watcher.s.next('burst', undefined, 3000);
    expect(burst.counts['🔥']).toBeLessThan(40);
    const refusals = socks.flatMap((x) => x.s.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited'));
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]).toMatchObject({ retry_after: expect.any(Number) });
  });

  it('anonymous viewers share one frame budget per address', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({ settings: { anonymous_read: true } });
    const a = await accepted(await openFrom(room.id, '192.0.2.44'));
    const b = await accepted(await openFrom(room.id, '192.0.2.44'));
    const elsewhere = await accepted(await openFrom(room.id, '192.0.2.45'));
    for (let i = 0; i < 20; i++) for (const x of [a, b]) x.send({ type: 'history', limit: 1 });
    elsewhere.send({ type: 'history', limit: 1 });
    await elsewhere.next('history');
    await new Promise((r) => setTimeout(r, 300));
    const answered = [a, b].flatMap((x) => x.frames.filter((f) => f.type === 'history')).length;
    expect(answered).toBeLessThan(40);
    expect([a, b].some((x) => x.frames.some((f) => f.type === 'error' && f.code === 'rate_limited'))).toBe(true);
    expect(elsewhere.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('caps a user’s open sockets in a room, and anonymous sockets per address', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({ settings: { anonymous_read: true } });
    const token = await t.tokenFor('many');
    const open: TestSocket[] = [];
    for (let i = 0; i < LIMITS.maxConnectionsPerUser; i++)
      open.push(await accepted(await openFrom(room.id, '198.51.100.1', token)));
    const refused = await openFrom(room.id, '198.51.100.2', token);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_connections');
    // Closing one frees a place.
    open[0]!.close();
    await new Promise((r) => setTimeout(r, 100));
    await accepted(await openFrom(room.id, '198.51.100.2', token));

    for (let i = 0; i < LIMITS.maxAnonymousPerAddress; i++) await accepted(await openFrom(room.id, '203.0.113.77'));
    expect((await openFrom(room.id, '203.0.113.77')).status).toBe(429);
    await accepted(await openFrom(room.id, '203.0.113.78'));
    // Signed-in users behind that address are not counted against its anonymous viewers.
    await accepted(await openFrom(room.id, '203.0.113.77', await t.tokenFor('behind-the-nat')));
  });

  it('limits flags per reporter, and a reporter flags a message once', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const author = await join(room.id, { token: await t.tokenFor('author') });
    const reporter = await join(room.id, { token: await t.tokenFor('reporter') });
    const msgs = [];
    for (let i = 0; i < 8; i++) msgs.push(await say(author.s, `m${i}`));
    reporter.s.send({ type: 'flag', message_id: msgs[0]!.id });
    reporter.s.send({ type: 'flag', message_id: msgs[0]!.id });
    for (const m of msgs.slice(1)) reporter.s.send({ type: 'flag', message_id: m.id });
    expect(await reporter.s.next('error')).toMatchObject({ code: 'rate_limited', retry_after: expect.any(Number) });
    await new Promise((r) => setTimeout(r, 200));
    const flags = (await call(`/v1/rooms/${room.id}/flags?limit=100`, { auth: t.key.token })).json.data;
    expect(flags).toHaveLength(5);
    expect(new Set(flags.map((f: { message_id: string }) => f.message_id)).size).toBe(5);
  });
});

describe('token lifetime', () => {
  it('closes a chat socket when its token expires, with the code that asks for a new token', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const soon = Math.floor(Date.now() / 1000) + 2;
    const short = await join(room.id, { token: await t.tokenFor('short', {}, 'chat', soon) });
    const long = await join(room.id, { token: await t.tokenFor('long') });
    expect(await short.s.waitClosed(6000)).toMatchObject({ code: CLOSE.tokenExpired });
    expect(Date.now()).toBeGreaterThanOrEqual(soon * 1000);
    expect(long.s.closed).toBeNull();
    await say(long.s, 'still here');
  });

  it('still closes it when the room was evicted in between', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const soon = Math.floor(Date.now() / 1000) + 3;
    const short = await join(room.id, { token: await t.tokenFor('short', {}, 'chat', soon) });
    await evictDurableObject(env.ROOM.get(env.ROOM.idFromName(room.id)));
    await say(short.s, 'after eviction');
    expect(await short.s.waitClosed(8000)).toMatchObject({ code: CLOSE.tokenExpired });
  });
});
