import { env, evictDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call } from '../../workers/test/helpers';
import { chatTenant, cid, join, openSocket, say, TestSocket } from '../../workers/test/rooms';

/** A room past `shard_above` (here 3) spreads new sockets over edge shards: the room still behaves as one. */
describe('edge shards', () => {
  it('routes past the threshold; messages, acks, presence, counts, resume and bans cross shards', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({ settings: { shard_above: 3, max_shards: 4 } });
    const names = Array.from({ length: 14 }, (_, i) => `u${i}`);
    const socks = [];
    for (const u of names)
      socks.push({
        u,
        ...(await join(room.id, { token: await t.tokenFor(u, { role: u === 'u0' ? 'admin' : 'user' }) })),
      });
    const live = await call(`/v1/rooms/${room.id}`, { auth: t.key.token });
    const shards = live.json.live.shards as Record<string, number>;
    // Three on the room's own object, the other eleven over at least two shards; every socket counted.
    expect(Object.keys(shards).length, JSON.stringify(shards)).toBeGreaterThanOrEqual(2);
    expect(Object.values(shards).reduce((a, b) => a + b, 0)).toBe(11);
    expect(live.json.live).toMatchObject({ connections: 14, members: 14 });
    // The last joiner (on a shard) saw everyone in its snapshot.
    const last = socks.at(-1)!;
    expect(last.snapshot.counts.connections).toBe(14);
    expect(last.snapshot.present.map((m) => m.id).sort()).toEqual([...names].sort());

    // A message from a shard's socket: its author gets the ack only, everyone else the message once.
    const author = socks[9]!;
    const m = await say(author.s, 'from a shard');
    for (const x of socks) {
      if (x === author) continue;
      expect((await x.s.next('message', (f) => f.message.id === m.id)).message.text).toBe('from a shard');
    }
    // A message from the primary reaches the shards' sockets too, in each sender's order.
    const first = socks[1]!;
    const texts = ['a', 'b', 'c', 'd'];
    for (const text of texts) first.s.send({ type: 'send', client_id: cid(), text });
    for (const x of socks) {
      if (x === first) continue;
      const got: string[] = [];
      while (got.length < texts.length)
        got.push((await x.s.next('message', (f) => f.message.user?.id === 'u1')).message.text);
      expect(got).toEqual(texts);
    }
    for (const x of socks) await x.s.none('message', 0);

    // Resume on a shard: a reconnecting client gets what it missed, and the deletion made meanwhile.
    const gone = socks[12]!;
    gone.s.close();
    const missed = await say(first.s, 'while you were away');
    socks[0]!.s.send({ type: 'delete', message_id: m.id });
    await socks[0]!.s.next('message_deleted', (f) => f.message_id === m.id);
    const back = await join(room.id, { token: await t.tokenFor('u12'), since: m.id });
    expect(back.snapshot.resumed).toBe(true);
    expect(back.snapshot.messages.map((x) => x.id)).toContain(missed.id);
    expect(back.snapshot.deleted).toContain(m.id);

    // A ban from the admin on the primary closes the user's socket on its shard, with the final code.
    const target = socks[10]!;
    socks[0]!.s.send({ type: 'moderate', action: 'ban', user_id: target.u });
    const closed = await target.s.waitClosed(1000);
    expect(closed?.code).toBe(4003);
    // And a banned user's new socket on a shard is refused the same way.
    const res = await openSocket(room.id, { token: await t.tokenFor(target.u) });
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    const again = new TestSocket(res.webSocket!);
    expect((await again.next('error')).code).toBe('banned');
    expect((await again.waitClosed(1000))?.code).toBe(4003);

    // Counts are summed from the shards' reports (once a second).
    await new Promise((r) => setTimeout(r, 1500));
    const after = await call(`/v1/rooms/${room.id}`, { auth: t.key.token });
    expect(after.json.live.connections).toBe(13);

    // The primary evicted (its memory gone): it still knows its shards' sockets, from its SQLite.
    await evictDurableObject(env.ROOM.get(env.ROOM.idFromName(room.id)));
    const late = await say(socks[11]!.s, 'after the eviction');
    for (const x of [...socks.filter((_, i) => i !== 10 && i !== 11 && i !== 12).map((y) => y.s), back.s])
      expect((await x.next('message', (f) => f.message.id === late.id)).message.text).toBe('after the eviction');
    const evicted = await call(`/v1/rooms/${room.id}`, { auth: t.key.token });
    expect(evicted.json.live.connections).toBe(13);

    // A ban through the API (the Worker's RPC to the primary, not a socket frame) closes the user's
    // socket on its shard too, with the final code; and again on a primary evicted just before.
    for (const [i, evict] of [
      [13, false],
      [9, true],
    ] as const) {
      const banned = socks[i]!;
      if (evict) await evictDurableObject(env.ROOM.get(env.ROOM.idFromName(room.id)));
      const r = await call(`/v1/rooms/${room.id}/bans`, { auth: t.key.token, body: { user_id: banned.u } });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      expect((await banned.s.next('error')).code).toBe('banned');
      expect((await banned.s.waitClosed(1000))?.code).toBe(4003);
    }
    for (const x of socks) x.s.close();
    back.s.close();
  });
});
