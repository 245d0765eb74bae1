import { describe, expect, it } from 'vitest';
import { chatTenant, cid, join, say } from '../../workers/test/rooms';

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
});
