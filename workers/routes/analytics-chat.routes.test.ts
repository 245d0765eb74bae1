import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { chatTenant, join, say } from '../test/rooms';

/**
 * `GET /v1/analytics/chat`: messages per minute and active chatters from the rooms' own history,
 * for one stream (its room) or the app (its rooms), on the same bucket starts as `/timeseries`.
 */
interface Chat {
  granularity: string;
  rooms: number;
  rooms_truncated: boolean;
  data: { time: string; messages: number; messages_per_minute: number; active_chatters: number }[];
}

const total = (c: Chat) => c.data.reduce((a, p) => a + p.messages, 0);

describe('chat activity analytics', () => {
  it("counts a stream's room and the app's rooms, without system messages; CSV matches JSON", async () => {
    const t = await chatTenant();
    const s = await call('/v1/streams', { auth: t.key.token, body: { name: 'show' } });
    expect(s.status, s.text).toBe(201);
    const streamId = s.json.id as string;
    const roomId = s.json.room_id as string;
    const other = await t.createRoom({ name: 'lounge' });

    const ada = await join(roomId, { token: await t.tokenFor('ada') });
    const bob = await join(roomId, { token: await t.tokenFor('bob') });
    await say(ada.s, 'hello');
    await say(ada.s, 'again');
    await say(bob.s, 'hi ada');
    const eve = await join(other.id, { token: await t.tokenFor('eve') });
    await say(eve.s, 'elsewhere');
    const sys = await call(`/v1/rooms/${roomId}/messages`, { auth: t.key.token, body: { text: 'Show starts soon' } });
    expect(sys.status, sys.text).toBe(201);
    for (const x of [ada, bob, eve]) x.s.close();

    const read = async (q: string) => {
      const r = await call(`/v1/analytics/chat?${q}`, { auth: t.key.token });
      expect(r.status, r.text).toBe(200);
      return r.json as Chat;
    };
    const minute = await read(`stream_id=${streamId}&granularity=minute`);
    expect(minute.granularity).toBe('minute');
    expect(minute.rooms).toBe(1);
    expect(total(minute)).toBe(3);
    for (const p of minute.data) {
      expect(new Date(p.time).getTime() % 60_000).toBe(0);
      expect(p.messages_per_minute).toBe(p.messages);
    }
    // A day bucket holds all of them (unless the test straddles midnight UTC: then two buckets).
    const day = await read(`stream_id=${streamId}&granularity=day`);
    if (day.data.length === 1) expect(day.data[0]).toMatchObject({ messages: 3, active_chatters: 2 });
    expect(day.data[0]!.messages_per_minute).toBeCloseTo(day.data[0]!.messages / 1440, 2);

    const app = await read('granularity=hour');
    expect(app.rooms).toBe(2);
    expect(app.rooms_truncated).toBe(false);
    expect(total(app)).toBe(4);

    const csv = await call(`/v1/analytics/chat?stream_id=${streamId}&granularity=minute&format=csv`, {
      auth: t.key.token,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('time,messages,messages_per_minute,active_chatters');
    expect(lines.slice(1)).toEqual(
      minute.data.map((p) => [p.time, p.messages, p.messages_per_minute, p.active_chatters].join(',')),
    );

    // A window before the messages is empty; a window after `to` excludes nothing it should not.
    const before = await read(`stream_id=${streamId}&to=${new Date(Date.now() - 3_600_000).toISOString()}`);
    expect(before.data).toEqual([]);
  });

  it("refuses another tenant's stream and a backwards window", async () => {
    const a = await chatTenant();
    const b = await tenant();
    const s = await call('/v1/streams', { auth: a.key.token, body: { name: 'mine' } });
    expectError(await call(`/v1/analytics/chat?stream_id=${s.json.id}`, { auth: b.key.token }), 404);
    const now = Date.now();
    expectError(
      await call(`/v1/analytics/chat?from=${new Date(now).toISOString()}&to=${new Date(now - 60_000).toISOString()}`, {
        auth: a.key.token,
      }),
      400,
    );
    expectError(await call('/v1/analytics/chat?granularity=week', { auth: a.key.token }), 400);
  });
});
