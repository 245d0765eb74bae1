import { env, evictDurableObject } from 'cloudflare:test';
import type { Message } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { chatTenant, join, say } from '../../workers/test/rooms';

const roomStub = (id: string) => env.ROOM.get(env.ROOM.idFromName(id));

describe('resume shows what changed while away', () => {
  it('replays an edit, a deletion and a reaction made while the client was disconnected (after an eviction)', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const writer = await join(room.id, { token: await t.tokenFor('w', { role: 'admin' }) });
    const reader = await join(room.id, { token: await t.tokenFor('r') });
    const seen: Message[] = [];
    for (const text of ['one', 'two', 'three']) {
      await say(writer.s, text);
      seen.push((await reader.s.next('message')).message);
    }
    reader.s.close();
    const [one, two, three] = seen as [Message, Message, Message];
    writer.s.send({ type: 'edit', message_id: one.id, text: 'one (edited)' });
    await writer.s.next('message_updated');
    writer.s.send({ type: 'delete', message_id: two.id });
    await writer.s.next('message_deleted');
    writer.s.send({ type: 'react', message_id: three.id, emoji: '👍' });
    await writer.s.next('reactions');
    const four = await say(writer.s, 'four');
    await new Promise((r) => setTimeout(r, 100));
    await evictDurableObject(roomStub(room.id));

    const back = await join(room.id, { token: await t.tokenFor('r'), since: three.id });
    expect(back.snapshot).toMatchObject({ resumed: true, gap: false });
    expect(back.snapshot.messages.map((m) => m.id)).toEqual([four.id]);
    expect(back.snapshot.deleted).toEqual([two.id]);
    const changed = new Map((back.snapshot.changed ?? []).map((m) => [m.id, m]));
    expect([...changed.keys()].sort()).toEqual([one.id, three.id].sort());
    expect(changed.get(one.id)).toMatchObject({ text: 'one (edited)' });
    expect(changed.get(one.id)!.edited_at).not.toBeNull();
    expect(changed.get(three.id)!.reactions).toEqual({ '👍': 1 });

    // Resuming from the newest message: nothing changed after it, nothing is replayed.
    const again = await join(room.id, { token: await t.tokenFor('r'), since: four.id });
    expect(again.snapshot).toMatchObject({ resumed: true, gap: false, messages: [], changed: [], deleted: [] });
    // A fresh join (no `since`) is not a resume and carries no change lists.
    const fresh = await join(room.id, { token: await t.tokenFor('f') });
    expect(fresh.snapshot.changed).toBeUndefined();
    expect(fresh.snapshot.messages.map((m) => m.text)).toEqual(['one (edited)', 'three', 'four']);
    for (const x of [writer, back, again, fresh]) x.s.close();
  });

  it('keeps a user rate-limited across an eviction (the buckets are stored with the tick)', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const author = await join(room.id, { token: await t.tokenFor('a', { role: 'admin' }) });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await say(author.s, `m${i}`)).id);
    const reporter = await join(room.id, { token: await t.tokenFor('rep') });
    // Five flags, then one a minute.
    for (const id of ids.slice(0, 5)) reporter.s.send({ type: 'flag', message_id: id, reason: 'spam' });
    reporter.s.send({ type: 'flag', message_id: ids[5], reason: 'spam' });
    expect(await reporter.s.next('error')).toMatchObject({ code: 'rate_limited', ref: ids[5] });
    await new Promise((r) => setTimeout(r, 100));
    await evictDurableObject(roomStub(room.id));
    // A new instance: the reporter's budget is what it was, not a fresh one.
    reporter.s.send({ type: 'flag', message_id: ids[6], reason: 'spam' });
    const refused = await reporter.s.next('error');
    expect(refused).toMatchObject({ code: 'rate_limited', ref: ids[6] });
    expect(refused.retry_after).toBeGreaterThan(30);
    author.s.close();
    reporter.s.close();
  });
});
