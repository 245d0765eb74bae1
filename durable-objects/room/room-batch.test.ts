import { describe, expect, it } from 'vitest';
import { chatTenant, cid, join, say } from '../../workers/test/rooms';
import { groupsFor } from './fanout';

describe('batch frames (the default; batch=0 opts out)', () => {
  it('delivers a burst exactly once and in order to batched and plain sockets, acks never ahead', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const bob = await join(room.id, { token: await t.tokenFor('bob', { role: 'admin' }) });
    const alice = await join(room.id, { token: await t.tokenFor('alice') });
    const carol = await join(room.id, { token: await t.tokenFor('carol'), batch: false });
    // A burst from an admin (no per-user limit), sent without waiting, so frames pile up in the room.
    const ids = Array.from({ length: 20 }, () => cid());
    for (const [i, client_id] of ids.entries()) bob.s.send({ type: 'send', client_id, text: `m${i}` });
    const mine = await say(alice.s, 'in the middle');
    for (const x of [alice, carol]) {
      const got: string[] = [];
      while (got.length < 20) got.push((await x.s.next('message', (f) => f.message.user?.id === 'bob')).message.text);
      expect(got).toEqual(ids.map((_, i) => `m${i}`));
      // Alice (batched by default) got the burst in fewer WebSocket frames than messages; Carol (batch=0) one each.
      if (x === alice) expect(alice.s.raw).toBeLessThan(20);
      else expect(carol.s.raw).toBeGreaterThanOrEqual(21);
      // Carol also gets Alice's message (once); Alice, its author, only her ack.
      if (x === carol) expect((await x.s.next('message')).message.id).toBe(mine.id);
      await x.s.none('message', 200);
    }
    // Bob gets acks, never his own messages; he does get Alice's.
    expect((await bob.s.next('message')).message.id).toBe(mine.id);
    await bob.s.none('message', 200);
    // A later joiner with batch=1 resumes from the last id with nothing missing and nothing twice.
    const dave = await join(room.id, { token: await t.tokenFor('dave'), since: mine.id });
    const after = await say(bob.s, 'after');
    expect(dave.snapshot.resumed).toBe(true);
    expect((await dave.s.next('message')).message.id).toBe(after.id);
    await dave.s.none('message', 200);
    for (const x of [alice, bob, carol, dave]) x.s.close();
  });

  it('never lets an ack overtake room messages queued before it', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const bob = await join(room.id, { token: await t.tokenFor('bob', { role: 'admin' }) });
    const alice = await join(room.id, { token: await t.tokenFor('alice', { role: 'admin' }) });
    // Every message and ack Alice gets, in arrival order (batches unwrapped).
    const got: { type: string; seq: number }[] = [];
    alice.s.ws.addEventListener('message', (e) => {
      const f = JSON.parse(e.data as string) as {
        type: string;
        frames?: { type: string; message?: { seq: number } }[];
        message?: { seq: number };
      };
      for (const x of f.type === 'batch' ? f.frames! : [f])
        if (x.message && (x.type === 'message' || x.type === 'ack')) got.push({ type: x.type, seq: x.message.seq });
    });
    for (let i = 0; i < 10; i++) {
      bob.s.send({ type: 'send', client_id: cid(), text: `b${i}` });
      alice.s.send({ type: 'send', client_id: cid(), text: `a${i}` });
    }
    await say(alice.s, 'last');
    for (let i = 0; i < 10; i++) await alice.s.next('message');
    await alice.s.none('message', 100);
    expect(got).toHaveLength(21);
    // Room messages arrive in order; an ack may come after later room messages (it waits for the
    // tick's commit) but never before a room message older than its own message.
    const roomSeqs = got.filter((x) => x.type === 'message').map((x) => x.seq);
    expect(roomSeqs).toEqual([...roomSeqs].sort((a, b) => a - b));
    for (const [i, x] of got.entries()) {
      if (x.type !== 'ack') continue;
      const before = new Set(got.slice(0, i).map((y) => y.seq));
      for (const r of roomSeqs)
        if (r < x.seq) expect(before.has(r), `message ${r} before the ack of ${x.seq}`).toBe(true);
    }
    bob.s.close();
    alice.s.close();
  });

  it('past one group of sockets (flushed in turn): every socket gets a burst once and in order, a joiner mid-burst nothing twice', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const n = 300;
    expect(groupsFor(n)).toBeGreaterThan(1);
    const socks: Awaited<ReturnType<typeof join>>[] = [];
    for (let i = 0; i < n; i++)
      socks.push(
        await join(room.id, {
          token: await t.tokenFor(`grp${i}`, { role: i < 2 ? 'admin' : 'user' }),
          batch: i % 7 !== 3,
        }),
      );
    const [a, b] = [socks[0]!, socks[1]!];
    // Two admins send without waiting; a socket joins in the middle of it.
    for (let i = 0; i < 20; i++) a.s.send({ type: 'send', client_id: cid(), text: `a:${i}` });
    for (let i = 0; i < 10; i++) b.s.send({ type: 'send', client_id: cid(), text: `b:${i}` });
    const late = await join(room.id, { token: await t.tokenFor('grp-late') });
    const texts = (x: (typeof socks)[number]) =>
      x.s.frames.flatMap((f) => (f.type === 'message' && f.message.user ? [f.message.text] : []));
    const want = (x: (typeof socks)[number]) => (x === a ? 10 : x === b ? 20 : 30);
    const deadline = Date.now() + 15_000;
    while (socks.some((x) => texts(x).length < want(x)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    for (const x of socks) {
      const got = texts(x);
      // Exactly once each, each sender's in order; an author gets the other's messages, not its own.
      expect(got.length, `socket ${socks.indexOf(x)}`).toBe(want(x));
      for (const who of ['a', 'b']) {
        const mine = got.filter((m) => m.startsWith(`${who}:`));
        if (mine.length) expect(mine).toEqual(mine.map((_, i) => `${who}:${i}`));
      }
    }
    expect(a.s.frames.filter((f) => f.type === 'ack').length).toBe(20);
    expect(b.s.frames.filter((f) => f.type === 'ack').length).toBe(10);
    // The joiner: what its snapshot held and what came after it, together, once each.
    await new Promise((r) => setTimeout(r, 300));
    const seen = [...late.snapshot.messages.map((m) => m.text), ...texts(late)];
    expect([...seen].sort()).toEqual([...new Set(seen)].sort());
    expect(seen.length).toBe(30);
    for (const x of [...socks, late]) x.s.close();
  });
});
