import { env, evictDurableObject, runInDurableObject } from 'cloudflare:test';
import type { Message } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { chatTenant, join, say } from '../../workers/test/rooms';
import type { RoomObject } from './room.do';

describe('hibernation and resume', () => {
  it('survives eviction: sockets stay open and work, history and presence are intact', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const b = await join(room.id, { token: await t.tokenFor('b') });
    const before = await say(a.s, 'before eviction');
    await b.s.next('message');
    const stub = env.ROOM.get(env.ROOM.idFromName(room.id));
    const marker = await runInDurableObject(stub, (o: RoomObject) => {
      (o as unknown as { marker: string }).marker = 'in-memory';
      return (o as unknown as { marker: string }).marker;
    });
    expect(marker).toBe('in-memory');
    await evictDurableObject(stub);
    // A new instance: the in-memory marker is gone, the sockets are not.
    expect(
      await runInDurableObject(stub, (o: RoomObject) => (o as unknown as { marker?: string }).marker),
    ).toBeUndefined();
    const after = await say(b.s, 'after eviction');
    expect((await a.s.next('message')).message.id).toBe(after.id);
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(await stub.stats()).toMatchObject({ viewers: 2, members: 2 });
    const c = await join(room.id, { token: await t.tokenFor('c') });
    expect(c.snapshot.messages.map((m) => m.text)).toEqual(['before eviction', 'after eviction']);
    expect(c.snapshot.present.map((m) => m.id).sort()).toEqual(['a', 'b', 'c']);
    // Slow mode, bans and the like live in storage too.
    await stub.moderate({ action: 'mute', userId: 'a', by: 'test' });
    await evictDurableObject(stub);
    a.s.send({ type: 'send', client_id: 'after-evict', text: 'x' });
    expect(await a.s.next('error')).toMatchObject({ code: 'muted' });
  });

  it('answers ping without the object (auto-response) and an odd ping through it', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const stub = env.ROOM.get(env.ROOM.idFromName(room.id));
    await evictDurableObject(stub);
    a.s.send('{"type":"ping"}');
    expect(await a.s.next('pong')).toEqual({ type: 'pong' });
    a.s.send({ type: 'ping' });
    a.s.send(' {"type": "ping"} ');
    await a.s.next('pong');
    await a.s.next('pong');
  });

  it('reconnects with the last seen id and gets exactly what was missed: no loss, no duplicates', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const writer = await join(room.id, { token: await t.tokenFor('w', { role: 'admin' }) });
    const reader = await join(room.id, { token: await t.tokenFor('r') });
    const seen: Message[] = [];
    for (let i = 0; i < 5; i++) {
      await say(writer.s, `live ${i}`);
      seen.push((await reader.s.next('message')).message);
    }
    reader.s.close();
    const missed: Message[] = [];
    for (let i = 0; i < 7; i++) missed.push(await say(writer.s, `missed ${i}`));
    // One of the missed ones is deleted before the reader comes back: it must not come back either.
    writer.s.send({ type: 'delete', message_id: missed[3]!.id });
    await writer.s.next('message_deleted');
    const stub = env.ROOM.get(env.ROOM.idFromName(room.id));
    await evictDurableObject(stub);

    const back = await join(room.id, { token: await t.tokenFor('r'), since: seen[seen.length - 1]!.id });
    expect(back.snapshot).toMatchObject({ resumed: true, gap: false });
    expect(back.snapshot.messages.map((m) => m.id)).toEqual(missed.filter((_, i) => i !== 3).map((m) => m.id));
    const next = await say(writer.s, 'after resume');
    expect((await back.s.next('message')).message.id).toBe(next.id);
    await back.s.none('message', 200);

    // Resuming at the newest message gets nothing; an unknown id says there is a gap.
    const same = await join(room.id, { token: await t.tokenFor('r'), since: next.id });
    expect(same.snapshot).toMatchObject({ resumed: true, gap: false, messages: [] });
    const unknown = await join(room.id, { token: await t.tokenFor('r'), since: 'msg_doesnotexist00000' });
    expect(unknown.snapshot).toMatchObject({ resumed: false, gap: true });
    expect(unknown.snapshot.messages.length).toBe(12);
  });

  it('keeps history across eviction for the messages API with cursors and since', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const w = await join(room.id, { token: await t.tokenFor('w', { role: 'admin' }) });
    const sent: Message[] = [];
    for (let i = 0; i < 25; i++) sent.push(await say(w.s, `n${i}`));
    await evictDurableObject(env.ROOM.get(env.ROOM.idFromName(room.id)));
    const { call } = await import('../../workers/test/helpers');
    const p1 = await call(`/v1/rooms/${room.id}/messages?limit=10`, { auth: t.key.token });
    expect(p1.json.data.map((m: Message) => m.text)).toEqual(
      sent
        .slice(15)
        .reverse()
        .map((m) => m.text),
    );
    const p2 = await call(`/v1/rooms/${room.id}/messages?limit=10&cursor=${p1.json.next_cursor}`, {
      auth: t.key.token,
    });
    expect(p2.json.data.map((m: Message) => m.text)).toEqual(
      sent
        .slice(5, 15)
        .reverse()
        .map((m) => m.text),
    );
    const p3 = await call(`/v1/rooms/${room.id}/messages?limit=10&cursor=${p2.json.next_cursor}`, {
      auth: t.key.token,
    });
    expect(p3.json).toMatchObject({ next_cursor: null, has_more: false });
    expect(p3.json.data).toHaveLength(5);
    const since = await call(`/v1/rooms/${room.id}/messages?since=${sent[19]!.id}`, { auth: t.key.token });
    expect(since.json.data.map((m: Message) => m.text)).toEqual(sent.slice(20).map((m) => m.text));
    const bad = await call(`/v1/rooms/${room.id}/messages?since=msg_nope`, { auth: t.key.token });
    expect(bad.status).toBe(404);
  });
});
