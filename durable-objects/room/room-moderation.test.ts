import { env } from 'cloudflare:test';
import { CLOSE } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { call, expectError } from '../../workers/test/helpers';
import { chatTenant, cid, join, openSocket, say } from '../../workers/test/rooms';

const eventsOf = async (appId: string, type: string) =>
  (
    await env.DB.prepare('SELECT data FROM events WHERE app_id = ? AND type = ? ORDER BY created_at')
      .bind(appId, type)
      .all<{ data: string }>()
  ).results.map((r) => JSON.parse(r.data) as Record<string, unknown>);

const waitFor = async <T>(f: () => Promise<T | null | undefined | false>, ms = 3000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('room moderation', () => {
  it('bans through the API: the socket gets an error frame and close 4003, rejoining is refused, unban lets back in', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const troll = await join(room.id, { token: await t.tokenFor('troll') });
    const other = await join(room.id, { token: await t.tokenFor('other') });
    const ban = await call(`/v1/rooms/${room.id}/bans`, {
      auth: t.key.token,
      body: { user_id: 'troll', reason: 'spam', duration_seconds: 600 },
    });
    expect(ban.status, ban.text).toBe(201);
    expect(ban.json).toMatchObject({ room_id: room.id, user_id: 'troll', reason: 'spam', until: expect.any(String) });
    expect(await troll.s.next('error')).toMatchObject({ code: 'banned', retry_after: expect.any(Number) });
    expect(await troll.s.waitClosed()).toMatchObject({ code: CLOSE.banned });
    expect(await other.s.next('moderation')).toMatchObject({ action: 'ban', user_id: 'troll', until: ban.json.until });
    expect(await other.s.next('presence', (f) => f.event === 'leave')).toMatchObject({ user: { id: 'troll' } });

    const again = await openSocket(room.id, { token: await t.tokenFor('troll') });
    const ws = again.webSocket!;
    ws.accept();
    const closed = new Promise<number>((r) => ws.addEventListener('close', (e) => r(e.code)));
    expect(await closed).toBe(CLOSE.banned);

    const list = await call(`/v1/rooms/${room.id}/bans`, { auth: t.key.token });
    expect(list.json.data.map((b: { user_id: string }) => b.user_id)).toEqual(['troll']);
    expect((await call(`/v1/rooms/${room.id}/bans/troll`, { auth: t.key.token, method: 'DELETE' })).status).toBe(204);
    await join(room.id, { token: await t.tokenFor('troll') });
    const banned = await eventsOf(t.app.id, 'chat.user.banned');
    expect(banned).toEqual([
      expect.objectContaining({ room_id: room.id, user_id: 'troll', reason: 'spam', scope: 'room' }),
    ]);
    await waitFor(async () => (await eventsOf(t.app.id, 'chat.user.unbanned')).length === 1);
  });

  it('moderators ban and mute over the socket; users cannot', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const mod = await join(room.id, { token: await t.tokenFor('mod', { role: 'moderator' }) });
    const u = await join(room.id, { token: await t.tokenFor('u') });
    u.s.send({ type: 'moderate', action: 'ban', user_id: 'mod' });
    expect(await u.s.next('error')).toMatchObject({ code: 'forbidden' });

    mod.s.send({ type: 'moderate', action: 'mute', user_id: 'u', duration_seconds: 1 });
    expect(await u.s.next('moderation')).toMatchObject({ action: 'mute', user_id: 'u', until: expect.any(String) });
    const client_id = cid();
    u.s.send({ type: 'send', client_id, text: 'can I talk?' });
    expect(await u.s.next('error')).toMatchObject({ code: 'muted', ref: client_id, retry_after: 1 });
    // A timeout ends by itself.
    await new Promise((r) => setTimeout(r, 1100));
    await say(u.s, 'back');
    await waitFor(async () => (await eventsOf(t.app.id, 'chat.user.muted')).length === 1);

    mod.s.send({ type: 'moderate', action: 'mute', user_id: 'u' });
    await u.s.next('moderation', (f) => f.action === 'mute' && f.until === null);
    const rejoin = await join(room.id, { token: await t.tokenFor('u') });
    expect(rejoin.snapshot.you.restrictions).toMatchObject({ muted: true, muted_until: null });
    mod.s.send({ type: 'moderate', action: 'unmute', user_id: 'u' });
    await u.s.next('moderation', (f) => f.action === 'unmute');
    await say(u.s, 'unmuted');

    mod.s.send({ type: 'moderate', action: 'ban', user_id: 'u' });
    expect(await u.s.waitClosed()).toMatchObject({ code: CLOSE.banned });
    expect(await rejoin.s.waitClosed()).toMatchObject({ code: CLOSE.banned });
  });

  it('mutes through the API as a timeout', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const u = await join(room.id, { token: await t.tokenFor('u') });
    const r = await call(`/v1/rooms/${room.id}/mutes`, {
      auth: t.key.token,
      body: { user_id: 'u', duration_seconds: 30 },
    });
    expect(r.status).toBe(201);
    u.s.send({ type: 'send', client_id: cid(), text: 'x' });
    const e = await u.s.next('error');
    expect(e.code).toBe('muted');
    expect(e.retry_after).toBeGreaterThan(25);
    expect((await call(`/v1/rooms/${room.id}/mutes`, { auth: t.key.token })).json.data).toHaveLength(1);
    expect((await call(`/v1/rooms/${room.id}/mutes/u`, { auth: t.key.token, method: 'DELETE' })).status).toBe(204);
    await say(u.s, 'free');
  });

  it('shadow bans: the author sees their messages, nobody else does, and the room is not told', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const sb = await join(room.id, { token: await t.tokenFor('sb') });
    const sb2 = await join(room.id, { token: await t.tokenFor('sb') });
    const other = await join(room.id, { token: await t.tokenFor('other') });
    const mod = await join(room.id, { token: await t.tokenFor('mod', { role: 'moderator' }) });
    expect(
      (await call(`/v1/rooms/${room.id}/shadow-bans`, { auth: t.key.token, body: { user_id: 'sb' } })).status,
    ).toBe(201);
    expect(await mod.s.next('moderation')).toMatchObject({ action: 'shadow_ban', user_id: 'sb' });
    const m = await say(sb.s, 'nobody hears me');
    expect(m.shadowed).toBe(true);
    expect((await sb2.s.next('message')).message.id).toBe(m.id);
    await other.s.none('message', 300);
    await other.s.none('moderation', 0);
    const late = await join(room.id, { token: await t.tokenFor('late') });
    expect(late.snapshot.messages).toEqual([]);
    const self = await join(room.id, { token: await t.tokenFor('sb') });
    expect(self.snapshot.messages.map((x) => x.id)).toEqual([m.id]);
    const api = await call(`/v1/rooms/${room.id}/messages`, { auth: t.key.token });
    expect(api.json.data).toEqual([]);
    expect((await call(`/v1/rooms/${room.id}/shadow-bans/sb`, { auth: t.key.token, method: 'DELETE' })).status).toBe(
      204,
    );
    await say(sb.s, 'heard again');
    expect((await other.s.next('message')).message.text).toBe('heard again');
  });

  it('slow mode spaces a user’s messages; moderators are exempt', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({ settings: { slow_mode_seconds: 2 } });
    const u = await join(room.id, { token: await t.tokenFor('u') });
    const mod = await join(room.id, { token: await t.tokenFor('mod', { role: 'moderator' }) });
    expect(u.snapshot.room.settings.slow_mode_seconds).toBe(2);
    const first = await say(u.s, 'one');
    const t0 = Date.parse(first.created_at);
    u.s.send({ type: 'send', client_id: cid(), text: 'two' });
    const e = await u.s.next('error');
    expect(e.code).toBe('slow_mode');
    expect(e.retry_after).toBeGreaterThan(1);
    expect(e.retry_after).toBeLessThanOrEqual(2);
    await say(mod.s, 'mods talk freely');
    await say(mod.s, 'and again');
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 2000 - Date.now() + 50)));
    await say(u.s, 'two, later');
    // Changing the setting reaches connected clients.
    expect(
      (
        await call(`/v1/rooms/${room.id}`, {
          auth: t.key.token,
          method: 'PATCH',
          body: { settings: { slow_mode_seconds: null } },
        })
      ).status,
    ).toBe(200);
    expect((await u.s.next('room_updated')).settings.slow_mode_seconds).toBeNull();
    await say(u.s, 'fast');
    await say(u.s, 'faster');
  });

  it('blocklist: blocks words and patterns, or flags them for review', async () => {
    const t = await chatTenant();
    const room = await t.createRoom({
      settings: { blocklist: { words: ['darn', 'heck'], patterns: ['b+a+d\\s*word'] } },
    });
    const u = await join(room.id, { token: await t.tokenFor('u') });
    const other = await join(room.id, { token: await t.tokenFor('other') });
    for (const text of ['oh DARN it', 'what the heck!', 'a baaad   word']) {
      const client_id = cid();
      u.s.send({ type: 'send', client_id, text });
      expect(await u.s.next('error')).toMatchObject({ code: 'blocked_content', ref: client_id });
    }
    await say(u.s, 'darning socks is fine'); // whole words only
    await other.s.next('message');

    await call(`/v1/rooms/${room.id}`, {
      auth: t.key.token,
      method: 'PATCH',
      body: { settings: { blocklist: { action: 'flag' } } },
    });
    await u.s.next('room_updated').catch(() => null); // public settings unchanged: may not come
    const flagged = await say(u.s, 'darn');
    expect((await other.s.next('message', (f) => f.message.id === flagged.id)).message.text).toBe('darn');
    const by = await say(other.s, 'report me');
    u.s.send({ type: 'flag', message_id: by.id, reason: 'rude' });
    const flags = await waitFor(async () => {
      const r = await call(`/v1/rooms/${room.id}/flags`, { auth: t.key.token });
      return r.json.data.length === 2 && r.json.data;
    });
    expect(flags.map((f: { message_id: string; reason: string }) => [f.message_id, f.reason])).toEqual([
      [by.id, 'rude'],
      [flagged.id, 'blocklist'],
    ]);
    const res = await call(`/v1/rooms/${room.id}/flags/${flags[1].id}/resolve`, {
      auth: t.key.token,
      body: { action: 'delete_message' },
    });
    expect(res.json).toMatchObject({ status: 'resolved', resolution: 'delete_message' });
    expect(await other.s.next('message_deleted')).toMatchObject({ message_id: flagged.id });
    expect((await call(`/v1/rooms/${room.id}/flags`, { auth: t.key.token })).json.data).toHaveLength(1);
    expect((await call(`/v1/rooms/${room.id}/flags?status=resolved`, { auth: t.key.token })).json.data).toHaveLength(1);
    await waitFor(async () => (await eventsOf(t.app.id, 'chat.message.flagged')).length === 2);
  });

  it('refuses blocklist patterns that could backtrack catastrophically', async () => {
    const t = await chatTenant();
    for (const p of [
      '(a+)+$',
      '(a|aa)*b',
      '(x*)*',
      '(\\w+\\s?)*$',
      '(a)\\1',
      '(?=a)b',
      'a{1,5000}',
      '\\w*\\w*\\w*\\w*',
    ]) {
      const r = await call('/v1/rooms', { auth: t.key.token, body: { settings: { blocklist: { patterns: [p] } } } });
      expectError(r, 400, 'invalid_pattern');
    }
    const room = await t.createRoom({ settings: { blocklist: { patterns: ['fr[e3]{2}\\s*money'] } } });
    expectError(
      await call(`/v1/rooms/${room.id}`, {
        auth: t.key.token,
        method: 'PATCH',
        body: { settings: { blocklist: { patterns: ['(.*)*'] } } },
      }),
      400,
      'invalid_pattern',
    );
  });

  it('app-wide bans keep a user out of every room of the app, and only that app', async () => {
    const t = await chatTenant();
    const r1 = await t.createRoom();
    const r2 = await t.createRoom();
    const inRoom = await join(r1.id, { token: await t.tokenFor('spammer') });
    const ban = await call('/v1/chat-bans', { auth: t.key.token, body: { user_id: 'spammer', reason: 'bot' } });
    expect(ban.status, ban.text).toBe(201);
    expect(await inRoom.s.waitClosed()).toMatchObject({ code: CLOSE.banned });
    for (const id of [r1.id, r2.id]) {
      const res = await openSocket(id, { token: await t.tokenFor('spammer') });
      const ws = res.webSocket!;
      ws.accept();
      const frames: string[] = [];
      ws.addEventListener('message', (e) => frames.push(e.data as string));
      expect(await new Promise<number>((r) => ws.addEventListener('close', (e) => r(e.code)))).toBe(CLOSE.banned);
      expect(JSON.parse(frames[0]!)).toMatchObject({ type: 'error', code: 'banned' });
    }
    const t2 = await chatTenant();
    const elsewhere = await t2.createRoom();
    await join(elsewhere.id, { token: await t2.tokenFor('spammer') });
    expect((await call('/v1/chat-bans', { auth: t.key.token })).json.data).toHaveLength(1);
    expect((await call('/v1/chat-bans/spammer', { auth: t.key.token, method: 'DELETE' })).status).toBe(204);
    await join(r2.id, { token: await t.tokenFor('spammer') });
    expect((await eventsOf(t.app.id, 'chat.user.banned'))[0]).toMatchObject({ scope: 'app', user_id: 'spammer' });
  });

  it('deletes a message and posts system messages through the API', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const u = await join(room.id, { token: await t.tokenFor('u') });
    const m = await say(u.s, 'delete me');
    const sys = await call(`/v1/rooms/${room.id}/messages`, {
      auth: t.key.token,
      body: { text: 'Stream starts in 5 minutes' },
    });
    expect(sys.status).toBe(201);
    expect(sys.json).toMatchObject({ kind: 'system', user: null, text: 'Stream starts in 5 minutes' });
    expect((await u.s.next('message')).message).toEqual(sys.json);
    expect((await call(`/v1/rooms/${room.id}/messages/${m.id}`, { auth: t.key.token, method: 'DELETE' })).status).toBe(
      204,
    );
    expect(await u.s.next('message_deleted')).toMatchObject({ message_id: m.id });
    expectError(await call(`/v1/rooms/${room.id}/messages/${m.id}`, { auth: t.key.token, method: 'DELETE' }), 404);
  });

  it('rate-limits a user per user and a connection per connection, with retry_after', async () => {
    const t = await chatTenant();
    const room = await t.createRoom();
    const u = await join(room.id, { token: await t.tokenFor('fast') });
    for (let i = 0; i < 12; i++) u.s.send({ type: 'send', client_id: `r${i}`, text: `m${i}` });
    const e = await u.s.next('error', (f) => f.code === 'rate_limited');
    expect(e.retry_after).toBeGreaterThan(0);
    const acks = u.s.frames.filter((f) => f.type === 'ack').length + 0;
    expect(acks).toBeLessThanOrEqual(8);
    // A connection flooding with any frame is refused, then dropped.
    const flood = await join(room.id, { token: await t.tokenFor('flood') });
    for (let i = 0; i < 200; i++) flood.s.send({ type: 'typing' });
    expect(await flood.s.next('error', (f) => f.code === 'rate_limited')).toBeTruthy();
    expect(await flood.s.waitClosed()).toMatchObject({ code: CLOSE.policy });
  });
});
