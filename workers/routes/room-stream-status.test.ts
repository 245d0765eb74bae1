import { describe, expect, it } from 'vitest';
import { call, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath } from '../test/origin';
import { join } from '../test/rooms';

/** The room of a stream carries the stream's status, so a watch page switches without polling. */
describe('stream status over the room socket', () => {
  it('pushes live on publish and idle when the session ends; a late joiner hears the current status', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 0, playback_policies: ['public'] });
    const roomId = (await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.room_id as string;
    // On a channel, the stream's room is readable without a token (the watch page's visitors).
    const ch = await call('/v1/channels', { auth: t.key.token, body: { slug: 'status', display_name: 'S' } });
    await call(`/v1/channels/${ch.json.id}/streams/${s.id}`, { method: 'PUT', auth: t.key.token });
    expect((await call(`/v1/rooms/${roomId}`, { auth: t.key.token })).json.settings.anonymous_read).toBe(true);
    const { s: viewer } = await join(roomId);

    const pub = await publish(s.stream_key);
    expect(pub.status, pub.text).toBe(200);
    const live = await viewer.next('stream_status');
    expect(live.stream).toMatchObject({ status: 'live', session_id: pub.json.session_id, input: null });

    const late = await join(roomId);
    expect((await late.s.next('stream_status')).stream.status).toBe('live');

    await originCall(`${sessionPath(s.id, pub.json.session_id)}/publish-done`, { body: {} });
    const idle = await viewer.next('stream_status', (f) => f.stream.status === 'idle');
    expect(idle.stream).toMatchObject({ status: 'idle', session_id: null });
    viewer.close();
    late.s.close();
  });

  it('names the program input of a stream with several cameras, and follows a switch (a late joiner too)', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 0, playback_policies: ['public'] });
    const roomId = (await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.room_id as string;
    const ch = await call('/v1/channels', { auth: t.key.token, body: { slug: 'cams', display_name: 'C' } });
    await call(`/v1/channels/${ch.json.id}/streams/${s.id}`, { method: 'PUT', auth: t.key.token });
    const cam2 = (await call(`/v1/streams/${s.id}/inputs`, { auth: t.key.token, body: { name: 'Camera 2' } })).json;
    const { s: viewer } = await join(roomId);

    const pub = await publish(s.stream_key);
    expect(pub.status, pub.text).toBe(200);
    const live = await viewer.next('stream_status');
    expect(live.stream).toMatchObject({ status: 'live', input: pub.json.program_input_id });
    expect(live.stream.input).toMatch(/^inp_/);
    expect((await publish(cam2.stream_key)).status).toBe(200);

    const cut = await call(`/v1/streams/${s.id}/switch`, { auth: t.key.token, body: { input_id: cam2.id } });
    expect(cut.status, cut.text).toBe(200);
    const switched = await viewer.next('stream_status', (f) => f.stream.input === cam2.id);
    expect(switched.stream).toMatchObject({ status: 'live', session_id: pub.json.session_id, at: live.stream.at });
    const late = await join(roomId);
    expect((await late.s.next('stream_status')).stream).toMatchObject({ status: 'live', input: cam2.id });

    await originCall(`${sessionPath(s.id, pub.json.session_id)}/publish-done`, { body: {} });
    const idle = await viewer.next('stream_status', (f) => f.stream.status === 'idle');
    expect(idle.stream).toMatchObject({ session_id: null, input: null });
    viewer.close();
    late.s.close();
  });
});
