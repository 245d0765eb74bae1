import { describe, expect, it } from 'vitest';
import { call, expectError, tenant, unique } from '../test/helpers';

/**
 * `channel_id` on a stream: set at create, moved or cleared by PATCH, rendered on every answer and
 * event, filtered on in lists, and listed by the channel. Another app's channel is a 404 and
 * changes nothing.
 */
async function channel(token: string) {
  const res = await call('/v1/channels', {
    auth: token,
    body: { slug: unique('c').toLowerCase(), display_name: 'A channel' },
  });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string };
}

describe('stream channel_id', () => {
  it('is set at create, shown, filtered on, moved, cleared; the room opens to readers', async () => {
    const { key } = await tenant();
    const a = await channel(key.token);
    const b = await channel(key.token);
    const created = await call('/v1/streams', { auth: key.token, body: { name: 'On A', channel_id: a.id } });
    expect(created.status, created.text).toBe(201);
    expect(created.json.channel_id).toBe(a.id);
    const plain = await call('/v1/streams', { auth: key.token, body: { name: 'No channel' } });
    expect(plain.json.channel_id).toBeNull();

    const id = created.json.id as string;
    expect((await call(`/v1/streams/${id}`, { auth: key.token })).json.channel_id).toBe(a.id);
    const room = await call(`/v1/rooms/${created.json.room_id}`, { auth: key.token });
    expect(room.json.settings.anonymous_read).toBe(true);

    // The event written with the stream carries its channel.
    const events = await call('/v1/events?type=stream.created', { auth: key.token });
    const ev = events.json.data.find((e: { data: { id: string } }) => e.data.id === id);
    expect(ev.data.channel_id).toBe(a.id);

    const onA = await call(`/v1/streams?channel_id=${a.id}`, { auth: key.token });
    expect(onA.json.data.map((s: { id: string }) => s.id)).toEqual([id]);
    const all = await call('/v1/streams', { auth: key.token });
    expect(all.json.data).toHaveLength(2);
    const ofChannel = await call(`/v1/channels/${a.id}/streams`, { auth: key.token });
    expect(ofChannel.status, ofChannel.text).toBe(200);
    expect(ofChannel.json.data).toMatchObject([{ id, channel_id: a.id, stream_key: null }]);

    const moved = await call(`/v1/streams/${id}`, { method: 'PATCH', auth: key.token, body: { channel_id: b.id } });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.json.channel_id).toBe(b.id);
    expect((await call(`/v1/channels/${a.id}/streams`, { auth: key.token })).json.data).toEqual([]);
    expect((await call(`/v1/channels/${b.id}/streams`, { auth: key.token })).json.data).toHaveLength(1);

    // A PATCH that does not name the channel leaves it.
    const renamed = await call(`/v1/streams/${id}`, { method: 'PATCH', auth: key.token, body: { name: 'Renamed' } });
    expect(renamed.json.channel_id).toBe(b.id);

    const cleared = await call(`/v1/streams/${id}`, { method: 'PATCH', auth: key.token, body: { channel_id: null } });
    expect(cleared.json.channel_id).toBeNull();
    expect((await call(`/v1/channels/${b.id}/streams`, { auth: key.token })).json.data).toEqual([]);
  });

  it('another app’s channel (or a made-up id) is a 404 and creates nothing', async () => {
    const mine = await tenant();
    const theirs = await tenant();
    const foreign = await channel(theirs.key.token);
    expectError(
      await call('/v1/streams', { auth: mine.key.token, body: { channel_id: foreign.id } }),
      404,
      'not_found',
    );
    expectError(
      await call('/v1/streams', { auth: mine.key.token, body: { channel_id: 'ch_AAAAAAAAAAAAAAAAAAAA' } }),
      404,
    );
    expect((await call('/v1/streams', { auth: mine.key.token })).json.data).toEqual([]);

    const s = await call('/v1/streams', { auth: mine.key.token, body: {} });
    expectError(
      await call(`/v1/streams/${s.json.id}`, {
        method: 'PATCH',
        auth: mine.key.token,
        body: { channel_id: foreign.id },
      }),
      404,
    );
    expect((await call(`/v1/streams/${s.json.id}`, { auth: mine.key.token })).json.channel_id).toBeNull();
    expect((await call(`/v1/channels/${foreign.id}/streams`, { auth: theirs.key.token })).json.data).toEqual([]);
    expectError(await call(`/v1/channels/${foreign.id}/streams`, { auth: mine.key.token }), 404);
  });
});
