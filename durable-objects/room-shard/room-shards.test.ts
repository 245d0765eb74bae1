import { env, evictDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call } from '../../workers/test/helpers';
import { chatTenant, cid, join, openSocket, say, TestSocket } from '../../workers/test/rooms';
import { shardOf } from '../room/shard-links';

/**
 * A client that does what the SDK does on the server's 1012 'reconnect' close: connects again at
 * once with `since` = the last message it saw. It counts every message id it got, live or in a
 * resume's snapshot, so a loss or a duplicate across a move shows.
 */
class Resuming {
  readonly seen = new Map<string, number>();
  moves = 0;
  gaps = 0;
  private last: string | undefined;
  constructor(
    readonly u: string,
    public s: TestSocket,
    private readonly rejoin: (since?: string) => ReturnType<typeof join>,
  ) {}

  /** Takes what arrived; after a 1012 close, reconnects and takes the snapshot's missed messages. */
  async pump() {
    for (const f of this.s.frames.splice(0)) if (f.type === 'message') this.see(f.message.id);
    if (this.s.closed?.code !== 1012) return;
    this.moves++;
    const { s, snapshot } = await this.rejoin(this.last);
    this.s = s;
    if (this.last && (!snapshot.resumed || snapshot.gap)) this.gaps++;
    for (const m of snapshot.messages) this.see(m.id);
  }

  private see(id: string) {
    this.seen.set(id, (this.seen.get(id) ?? 0) + 1);
    this.last = id;
  }
}

/** A room past `shard_above` (here 3) spreads new sockets over edge shards: the room still behaves as one. */
describe('edge shards', () => {
  it('routes past the threshold; messages, acks, presence, counts, resume and bans cross shards', async () => {
    const t = await chatTenant();
    // Raw sockets that do not reconnect: no moves here (the next test has clients that resume).
    const room = await t.createRoom({ settings: { shard_above: 3, max_shards: 4, shard_moves_per_second: 0 } });
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

  it('moves sockets to the shard their user now belongs on when shards are added or retired, losing and repeating nothing', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({ settings: { shard_above: 2, max_shards: 4 } });
    const shardsOf = async () =>
      (await call(`/v1/rooms/${room.id}`, { auth: t.key.token })).json.live.shards as Record<string, number>;
    const sender = await join(room.id, { token: await t.tokenFor('mover-admin', { role: 'admin' }) });
    const other = await join(room.id, { token: await t.tokenFor('mover-other') });
    // The primary holds two; the viewers after them land on shards while the count grows from
    // one to four, so the first of them join a count that is too small for them by the end.
    const viewers: Resuming[] = [];
    for (let i = 0; i < 12; i++) {
      const u = `mover-${i}`;
      const token = await t.tokenFor(u);
      const first = await join(room.id, { token });
      viewers.push(new Resuming(u, first.s, (since) => join(room.id, { token, ...(since ? { since } : {}) })));
    }
    const expected = (count: number) => {
      const want: Record<string, number> = {};
      for (const v of viewers) {
        const k = shardOf(`u:${v.u}`, count);
        want[k] = (want[k] ?? 0) + 1;
      }
      return want;
    };
    const sent: string[] = [];
    const pumpAll = () => Promise.all(viewers.map((v) => v.pump()));
    // Messages flow the whole time the sockets move (the moves go out with the next counts push).
    const settle = async (want: Record<string, number>) => {
      const deadline = Date.now() + 8000;
      for (;;) {
        sent.push((await say(sender.s, `m${sent.length}`)).id);
        await pumpAll();
        const now = await shardsOf();
        if (JSON.stringify(now) === JSON.stringify(want) && viewers.every((v) => v.s.closed === null)) return now;
        if (Date.now() > deadline)
          throw new Error(
            `shards ${JSON.stringify(now)}, want ${JSON.stringify(want)}; moves ${viewers.map((v) => `${v.u}:${v.moves}:${v.s.closed?.code ?? 'open'}`)}`,
          );
        await new Promise((r) => setTimeout(r, 40));
      }
    };
    await settle(expected(4));
    const movedIn = viewers.reduce((n, v) => n + v.moves, 0);
    expect(movedIn, 'sockets that joined a smaller count were moved').toBeGreaterThan(0);

    // Retiring: eight viewers leave, the count shrinks to two, and the sockets on shards 2 and 3
    // move (two of the four who stay are there, two are on shards 0 and 1 and stay put).
    const high = viewers.filter((v) => shardOf(`u:${v.u}`, 4) >= 2).slice(0, 2);
    const low = viewers.filter((v) => shardOf(`u:${v.u}`, 4) < 2).slice(0, 2);
    expect(high.length + low.length).toBe(4);
    const leaving = viewers.filter((v) => !high.includes(v) && !low.includes(v));
    viewers.splice(0, viewers.length, ...high, ...low);
    const before = viewers.map((v) => v.moves);
    for (const v of leaving) v.s.close();
    await settle(expected(2));
    expect(Object.keys(await shardsOf()).every((k) => Number(k) < 2)).toBe(true);
    expect(viewers.map((v, i) => v.moves - before[i]!)).toEqual([1, 1, 0, 0]);

    // Everyone still in the room got every message exactly once, across their moves.
    const last = await say(other.s, 'the end');
    sent.push(last.id);
    const deadline = Date.now() + 5000;
    while (viewers.some((v) => !v.seen.has(last.id)) && Date.now() < deadline) {
      await pumpAll();
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const v of viewers) {
      expect(v.gaps, v.u).toBe(0);
      expect([...v.seen.keys()].sort(), `${v.u} moved ${v.moves} times`).toEqual([...sent].sort());
      expect(
        [...v.seen.values()].every((n) => n === 1),
        `${v.u}: a message twice`,
      ).toBe(true);
    }
    for (const x of [sender.s, other.s, ...viewers.map((v) => v.s)]) x.close();
  });
});
