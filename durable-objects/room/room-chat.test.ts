import { describe, expect, it } from 'vitest';
import { chatTenant, cid, join, say } from '../../workers/test/rooms';

describe('room chat over the socket', () => {
  it('joins with a snapshot, then delivers messages between several sockets with acks', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({ name: 'lobby' });
    const alice = await join(room.id, {
      token: await t.tokenFor('alice', { name: 'Alice', avatar: 'https://a/1.png' }),
    });
    expect(alice.snapshot).toMatchObject({
      type: 'snapshot',
      protocol: 1,
      room: { id: room.id },
      messages: [],
      resumed: false,
      gap: false,
      you: {
        id: 'alice',
        name: 'Alice',
        avatar: 'https://a/1.png',
        role: 'user',
        anonymous: false,
        restrictions: { muted: false, banned: false, read_only: false },
      },
      counts: { viewers: 1, viewers_from: 'sockets', connections: 1, video_viewers: null, members: 1 },
    });
    const bob = await join(room.id, { token: await t.tokenFor('bob') });
    const carol = await join(room.id, { token: await t.tokenFor('carol') });
    expect(carol.snapshot.present.map((m) => m.id).sort()).toEqual(['alice', 'bob', 'carol']);
    expect((await alice.s.next('presence')).user.id).toBe('bob');

    const sent = await say(alice.s, 'hello room');
    expect(sent).toMatchObject({
      kind: 'user',
      text: 'hello room',
      user: { id: 'alice', name: 'Alice' },
      reactions: {},
    });
    for (const other of [bob, carol]) expect((await other.s.next('message')).message).toEqual(sent);
    // The sender gets the ack, not a second copy.
    await alice.s.none('message', 200);

    // History: a later joiner sees it in order.
    const second = await say(bob.s, 'second');
    const dave = await join(room.id, { token: await t.tokenFor('dave') });
    expect(dave.snapshot.messages.map((m) => m.id)).toEqual([sent.id, second.id]);
    expect(second.seq).toBeGreaterThan(sent.seq);
    for (const x of [alice, bob, carol, dave]) x.s.close();
  });

  it('de-duplicates a retried send by client id', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const b = await join(room.id, { token: await t.tokenFor('b') });
    const client_id = cid();
    a.s.send({ type: 'send', client_id, text: 'once' });
    a.s.send({ type: 'send', client_id, text: 'once' });
    const first = await a.s.next('ack', (f) => f.client_id === client_id);
    const again = await a.s.next('ack', (f) => f.client_id === client_id);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, message: { id: first.message.id } });
    await b.s.next('message');
    await b.s.none('message', 300);
  });

  it('edits and deletes own messages only; moderators delete anyone’s', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const b = await join(room.id, { token: await t.tokenFor('b') });
    const mod = await join(room.id, { token: await t.tokenFor('m', { role: 'moderator' }) });
    const m = await say(a.s, 'typo');
    a.s.send({ type: 'edit', message_id: m.id, text: 'fixed' });
    expect((await b.s.next('message_updated')).message).toMatchObject({
      id: m.id,
      text: 'fixed',
      edited_at: expect.any(String),
    });
    b.s.send({ type: 'edit', message_id: m.id, text: 'hijack' });
    expect(await b.s.next('error')).toMatchObject({ code: 'forbidden', ref: m.id });
    b.s.send({ type: 'delete', message_id: m.id });
    expect(await b.s.next('error')).toMatchObject({ code: 'forbidden' });
    mod.s.send({ type: 'delete', message_id: m.id });
    expect(await a.s.next('message_deleted')).toEqual({ type: 'message_deleted', message_id: m.id });
    expect(await b.s.next('moderation')).toMatchObject({ action: 'message_deleted', user_id: 'a', message_id: m.id });
    const own = await say(b.s, 'mine');
    b.s.send({ type: 'delete', message_id: own.id });
    await a.s.next('message_deleted', (f) => f.message_id === own.id);
    const late = await join(room.id, { token: await t.tokenFor('late') });
    expect(late.snapshot.messages).toEqual([]);
  });

  it('aggregates reactions per message and coalesces live reaction bursts', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const b = await join(room.id, { token: await t.tokenFor('b') });
    const m = await say(a.s, 'react to me');
    a.s.send({ type: 'react', message_id: m.id, emoji: '🔥' });
    await b.s.next('reactions', (f) => f.reactions['🔥'] === 1);
    b.s.send({ type: 'react', message_id: m.id, emoji: '🔥' });
    b.s.send({ type: 'react', message_id: m.id, emoji: '🔥' }); // idempotent per user
    await a.s.next('reactions', (f) => f.reactions['🔥'] === 2);
    b.s.send({ type: 'react', message_id: m.id, emoji: '🔥', on: false });
    await a.s.next('reactions', (f) => f.reactions['🔥'] === 1);
    const later = await join(room.id, { token: await t.tokenFor('c') });
    expect(later.snapshot.messages[0]!.reactions).toEqual({ '🔥': 1 });

    for (let i = 0; i < 10; i++) (i % 2 ? a : b).s.send({ type: 'burst', emoji: '❤️' });
    b.s.send({ type: 'burst', emoji: '👏', count: 5 });
    const burst = await later.s.next('burst', undefined, 3000);
    expect(burst.counts).toEqual({ '❤️': 10, '👏': 5 });
    await later.s.none('burst', 1200); // one frame for all of them, not one per tap
  });

  it('pushes presence, typing and coalesced viewer counts', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({ settings: { anonymous_read: true } });
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const extra = [];
    for (let i = 0; i < 4; i++) extra.push(await join(room.id, { token: await t.tokenFor(`u${i}`) }));
    const anon = await join(room.id);
    expect(anon.snapshot.you).toMatchObject({ anonymous: true, restrictions: { read_only: true } });
    // Five joins within a second reach `a` as at most two count frames, ending at the total.
    const counts = await a.s.next('counts', (f) => f.counts.viewers === 6, 4000);
    expect(counts.counts).toEqual({
      viewers: 6,
      viewers_from: 'sockets',
      connections: 6,
      video_viewers: null,
      members: 5,
    });
    expect(a.s.frames.filter((f) => f.type === 'counts').length).toBeLessThanOrEqual(1);

    extra[0]!.s.send({ type: 'typing' });
    expect(await a.s.next('typing')).toMatchObject({ user: { id: 'u0' }, on: true });
    extra[0]!.s.send({ type: 'typing' }); // throttled
    await a.s.none('typing', 200);
    extra[0]!.s.close();
    expect(await a.s.next('presence', (f) => f.event === 'leave')).toMatchObject({ user: { id: 'u0' } });
    await a.s.next('counts', (f) => f.counts.viewers === 5, 4000);

    anon.s.send({ type: 'send', client_id: 'x', text: 'hi' });
    expect(await anon.s.next('error')).toMatchObject({ code: 'read_only' });
  });

  it('pages older history over the socket', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    // Three connections: one connection may send a burst of 30 frames, and this test needs 60.
    const bots = [];
    for (let i = 0; i < 3; i++) bots.push(await join(room.id, { token: await t.tokenFor('bot', { role: 'admin' }) }));
    const sent = [];
    for (let i = 0; i < 60; i++) sent.push(await say(bots[i % 3]!.s, `m${i}`));
    const b = await join(room.id, { token: await t.tokenFor('b') });
    expect(b.snapshot.messages.map((m) => m.text)).toEqual(sent.slice(10).map((m) => m.text));
    b.s.send({ type: 'history', before: b.snapshot.messages[0]!.id, limit: 8 });
    const h = await b.s.next('history');
    expect(h.messages.map((m) => m.text)).toEqual(sent.slice(2, 10).map((m) => m.text));
    expect(h.has_more).toBe(true);
    b.s.send({ type: 'history', before: h.messages[0]!.id, limit: 8 });
    const h2 = await b.s.next('history');
    expect(h2).toMatchObject({ has_more: false });
    expect(h2.messages.map((m) => m.text)).toEqual(['m0', 'm1']);
  });
});

describe('presence in large rooms', () => {
  it('stops sending join and leave frames past PRESENCE_LIVE_MAX connections, keeps counting', async () => {
    const { PRESENCE_LIVE_MAX } = await import('./room.do');
    const t = await chatTenant();
    const room = await t.createRoom({ settings: { anonymous_read: true } });
    const watcher = await join(room.id, { token: await t.tokenFor('watcher') });
    // Anonymous viewers count as connections but never as presence: a cheap way to fill the room.
    const anons = [];
    for (let i = 0; i < PRESENCE_LIVE_MAX; i++) anons.push(await join(room.id));
    await watcher.s.next('counts', (f) => f.counts.viewers === PRESENCE_LIVE_MAX + 1, 5000);
    await join(room.id, { token: await t.tokenFor('latecomer') });
    await watcher.s.next('counts', (f) => f.counts.members === 2, 5000);
    await watcher.s.none('presence', 0);
    anons[0]!.s.close();
    const small = await t.createRoom();
    const a = await join(small.id, { token: await t.tokenFor('a') });
    await join(small.id, { token: await t.tokenFor('b') });
    expect((await a.s.next('presence')).user.id).toBe('b');
  });
});
