import { env } from 'cloudflare:test';
import { CLOSE } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { call } from '../../workers/test/helpers';
import { chatTenant, join, openSocket, say } from '../../workers/test/rooms';

/** Frames a restricted user's actions would cause on someone else's socket. */
const FROM_OTHERS = ['message', 'message_updated', 'reactions', 'typing', 'burst'] as const;

describe('restrictions hold on every frame type', () => {
  it('a muted and a shadow-banned user each send edit, react, typing and burst: a third user receives nothing from them', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const muted = await join(room.id, { token: await t.tokenFor('muted') });
    const shadow = await join(room.id, { token: await t.tokenFor('shadow') });
    const third = await join(room.id, { token: await t.tokenFor('third') });
    // Messages from before the restrictions: the edits below are of these.
    const mOld = await say(muted.s, 'before the mute');
    const sOld = await say(shadow.s, 'before the shadow ban');
    const target = await say(third.s, 'react to me');
    for (const who of ['muted', 'shadow']) {
      const path = who === 'muted' ? 'mutes' : 'shadow-bans';
      const r = await call(`/v1/rooms/${room.id}/${path}`, { auth: t.key.token, body: { user_id: who } });
      expect(r.status, r.text).toBe(201);
    }
    await third.s.next('moderation', (f) => f.action === 'mute');
    await new Promise((r) => setTimeout(r, 200));
    third.s.frames.length = 0;

    for (const [x, own] of [
      [muted, mOld],
      [shadow, sOld],
    ] as const) {
      x.s.send({ type: 'edit', message_id: own.id, text: 'edited while restricted' });
      x.s.send({ type: 'react', message_id: target.id, emoji: '🔥' });
      x.s.send({ type: 'typing', on: true });
      x.s.send({ type: 'burst', emoji: '❤️', count: 5 });
    }
    // The muted user is told; the shadow-banned one sees their own edit and reaction as if they went out.
    expect(await muted.s.next('error', (f) => f.ref === mOld.id)).toMatchObject({ code: 'muted' });
    expect(await muted.s.next('error', (f) => f.ref === target.id)).toMatchObject({ code: 'muted' });
    expect((await shadow.s.next('message_updated')).message).toMatchObject({
      id: sOld.id,
      text: 'edited while restricted',
      shadowed: true,
    });
    expect(await shadow.s.next('reactions')).toMatchObject({ message_id: target.id, reactions: { '🔥': 1 } });

    // Past the burst interval: nothing of theirs reached the third user.
    await new Promise((r) => setTimeout(r, 1500));
    expect(third.s.frames.filter((f) => (FROM_OTHERS as readonly string[]).includes(f.type))).toEqual([]);
    // Nor anyone who joins later: the edited message is gone for them, the reaction was never counted.
    const late = await join(room.id, { token: await t.tokenFor('late') });
    expect(late.snapshot.messages.map((m) => [m.text, m.reactions])).toEqual([
      ['before the mute', {}],
      ['react to me', {}],
    ]);
  });

  it('accepts one emoji per reaction, not any short string', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const a = await join(room.id, { token: await t.tokenFor('a') });
    const b = await join(room.id, { token: await t.tokenFor('b') });
    const m = await say(a.s, 'react');
    for (const emoji of ['lol', '<b>x</b>', '🔥🔥', '\u200b', 'spam spam spam']) {
      a.s.send({ type: 'react', message_id: m.id, emoji });
      expect(await a.s.next('error')).toMatchObject({ code: 'invalid' });
      a.s.send({ type: 'burst', emoji });
      expect(await a.s.next('error')).toMatchObject({ code: 'invalid' });
    }
    for (const emoji of ['👍🏽', '🇫🇷', '❤️', '👨‍👩‍👧']) a.s.send({ type: 'react', message_id: m.id, emoji });
    const r = await b.s.next('reactions', (f) => Object.keys(f.reactions).length === 4);
    expect(Object.keys(r.reactions).sort()).toEqual(['👍🏽', '🇫🇷', '❤️', '👨‍👩‍👧'].sort());
  });
});

describe('the moderation ladder', () => {
  it('moderators act on users only; admins on users and moderators; nobody on their equal or above', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const admin = await join(room.id, { token: await t.tokenFor('boss', { role: 'admin' }) });
    const admin2 = await join(room.id, { token: await t.tokenFor('boss2', { role: 'admin' }) });
    const mod = await join(room.id, { token: await t.tokenFor('mod', { role: 'moderator' }) });
    const mod2 = await join(room.id, { token: await t.tokenFor('mod2', { role: 'moderator' }) });
    const user = await join(room.id, { token: await t.tokenFor('user') });
    const adminSaid = await say(admin.s, 'from the admin');

    for (const target of ['boss', 'mod2']) {
      mod.s.send({ type: 'moderate', action: 'ban', user_id: target });
      expect(await mod.s.next('error')).toMatchObject({ code: 'forbidden' });
    }
    admin.s.send({ type: 'moderate', action: 'ban', user_id: 'boss2' });
    expect(await admin.s.next('error')).toMatchObject({ code: 'forbidden' });
    mod.s.send({ type: 'delete', message_id: adminSaid.id });
    expect(await mod.s.next('error')).toMatchObject({ code: 'forbidden', ref: adminSaid.id });
    expect((await call(`/v1/rooms/${room.id}/bans`, { auth: t.key.token })).json.data).toEqual([]);
    expect(admin.s.closed).toBeNull();
    expect(admin2.s.closed).toBeNull();

    // A target who has left keeps the role they were last seen with.
    mod2.s.close();
    await new Promise((r) => setTimeout(r, 100));
    mod.s.send({ type: 'moderate', action: 'mute', user_id: 'mod2' });
    expect(await mod.s.next('error')).toMatchObject({ code: 'forbidden' });

    mod.s.send({ type: 'moderate', action: 'mute', user_id: 'user' });
    expect(await user.s.next('moderation')).toMatchObject({ action: 'mute', user_id: 'user' });
    admin.s.send({ type: 'moderate', action: 'ban', user_id: 'mod' });
    expect(await mod.s.waitClosed()).toMatchObject({ code: CLOSE.banned });
  });

  it('refuses tokens whose sub would pass for a console member or an anonymous viewer', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    for (const sub of ['console:usr_owner', 'anon_0123456789abcdef']) {
      const res = await openSocket(room.id, { token: await t.tokenFor(sub) });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('token_malformed');
    }
    await join(room.id, { token: await t.tokenFor('consoled:fine') });
  });
});

describe('app-wide bans', () => {
  it('close the user’s open sockets in every room of the app, however many rooms it has', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const inRoom = await join(room.id, { token: await t.tokenFor('spammer') });
    // Enough newer rooms to push this one off the end of any one page of rooms.
    const now = Date.now();
    const settings = JSON.stringify({});
    const stmts = Array.from({ length: 520 }, (_, i) =>
      env.DB.prepare(
        `INSERT INTO rooms (id, app_id, kind, settings, created_at, updated_at) VALUES (?, ?, 'app', ?, ?, ?)`,
      ).bind(`room_kick${String(i).padStart(4, '0')}${t.app.id.slice(-6)}`, t.app.id, settings, now + 1000 + i, now),
    );
    await env.DB.batch(stmts);
    const ban = await call('/v1/chat-bans', { auth: t.key.token, body: { user_id: 'spammer' } });
    expect(ban.status, ban.text).toBe(201);
    expect(await inRoom.s.waitClosed(15_000)).toMatchObject({ code: CLOSE.banned });
  });
});
