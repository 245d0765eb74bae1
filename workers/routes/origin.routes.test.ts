import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { originAuthorization } from '@edgelive/shared/origin-protocol';
import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import {
  createStream,
  fakeSegment,
  ORIGINS,
  originCall,
  publish,
  sessionPath,
  streamStubOf,
  uploadSegment,
} from '../test/origin';

const INPUT = {
  video_codec: 'h264',
  audio_codec: 'aac',
  width: 1920,
  height: 1080,
  frame_rate: 30,
  bitrate_kbps: 6000,
};

const stateOf = (streamId: string) =>
  runInDurableObject(streamStubOf(streamId), (_o, state) =>
    state.storage.sql.exec<{ epoch: number; origin_id: string; status: string }>('SELECT * FROM state').one(),
  );

async function liveStream(body: Record<string, unknown> = {}) {
  const t = await tenant();
  const s = await createStream(t.key.token, body);
  const pub = await publish(s.stream_key);
  expect(pub.status, pub.text).toBe(200);
  return { ...t, s, session: pub.json as { session_id: string; stream_id: string } };
}

describe('origin auth', () => {
  it('refuses missing, malformed, unknown, stale, future and mismatched signatures with 401', async () => {
    const path = '/internal/origin/publish';
    const now = Math.floor(Date.now() / 1000);
    const sign = (o: { id?: string; secret?: string; ts?: number; method?: string; path?: string }) =>
      originAuthorization(
        o.id ?? 'orig_local',
        o.secret ?? ORIGINS.orig_local,
        o.method ?? 'POST',
        o.path ?? path,
        o.ts ?? now,
      );
    const bad = [
      undefined,
      'Bearer key_abc:secret',
      'EdgeliveOrigin id=orig_local',
      'EdgeliveOrigin id=orig_local,ts=abc,sig=xyz',
      await sign({ id: 'orig_nobody' }),
      await sign({ secret: 'a-wrong-secret-that-is-long-enough' }),
      // Well past the 300 s skew either way, so a slow run (the clock moves on) cannot bring them inside it.
      await sign({ ts: now - 600 }),
      await sign({ ts: now + 600 }),
      await sign({ method: 'GET' }),
      await sign({ path: '/internal/origin/streams/str_abcdefghijkl/status' }),
      await sign({ id: 'orig_local2' }),
    ];
    for (const authorization of bad) {
      const res = await originCall(path, { body: { stream_key: 'lsk_x' }, authorization: authorization ?? '' });
      expectError(res, 401, 'unauthorized');
    }
    // Within the allowed skew it is accepted (and then refuses the unknown key on its merits).
    expectError(
      await originCall(path, { body: { stream_key: 'lsk_x' }, authorization: await sign({ ts: now - 250 }) }),
      403,
      'unknown_stream_key',
    );
  });

  it('signs the query string too', async () => {
    const { s, session } = await liveStream();
    const path = `${sessionPath(s.id, session.session_id)}/renditions/720p/segments/0?duration=2`;
    const authorization = await originAuthorization(
      'orig_local',
      ORIGINS.orig_local,
      'PUT',
      path.replace('duration=2', 'duration=4'),
    );
    expectError(await originCall(path, { method: 'PUT', raw: fakeSegment('x'), authorization }), 401);
  });
});

describe('origin publish', () => {
  it('answers a valid key with the stream settings and marks the stream active', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token, {
      latency_mode: 'low',
      recording: true,
      reconnect_window: 30,
      ladder: ['source', '720p', '240p'],
    });
    const pub = await publish(s.stream_key);
    expect(pub.status).toBe(200);
    expect(pub.json).toEqual({
      stream_id: s.id,
      session_id: expect.stringMatching(/^lsn_/),
      resumed: false,
      next_sequence: 0,
      latency_mode: 'low',
      segment_duration_s: 1,
      ladder: [
        { name: 'source' },
        { name: '720p', width: 1280, height: 720, video_bitrate_kbps: 2800 },
        { name: '240p', width: 426, height: 240, video_bitrate_kbps: 400 },
      ],
      recording: true,
      reconnect_window_s: 30,
      encryption: null,
      // The stream's own key is its first input (stream-inputs.routes.test.ts), on air from the start.
      input_id: expect.stringMatching(/^inp_/),
      joined: false,
      program_input_id: pub.json.input_id,
    });
    const api = await call(`/v1/streams/${s.id}`, { auth: key.token });
    expect(api.json).toMatchObject({
      status: 'active',
      current_session: { id: pub.json.session_id, status: 'active', origin_id: 'orig_local', input: null },
    });
  });

  it('refuses unknown keys and malformed bodies', async () => {
    expectError(await publish('lsk_doesnotexist'), 403, 'unknown_stream_key');
    expectError(await originCall('/internal/origin/publish', { body: { stream_key: '' } }), 400);
    expectError(await originCall('/internal/origin/publish', { body: { key: 'x' } }), 400);
    expectError(await originCall('/internal/origin/publish', { raw: '{nope', method: 'POST' }), 400);
  });

  it('drops rungs above a max_quality lowered after the stream was saved', async () => {
    const { acct, app, key } = await tenant();
    const s = await createStream(key.token, { ladder: ['source', '720p', '360p'] });
    await call(`/v1/apps/${app.id}`, {
      method: 'PATCH',
      auth: acct.token,
      body: { settings: { max_quality: '480p' } },
    });
    expect((await publish(s.stream_key)).json.ladder.map((r: { name: string }) => r.name)).toEqual(['360p']);
  });

  it('records the input and the renditions, visible through the API', async () => {
    const { key, s, session } = await liveStream();
    const base = sessionPath(s.id, session.session_id);
    expect((await originCall(`${base}/input`, { body: INPUT })).status).toBe(204);
    expect(
      (
        await originCall(`${base}/renditions/720p`, {
          method: 'PUT',
          body: { bandwidth: 3_000_000, resolution: '1280x720', codecs: 'avc1.64001f,mp4a.40.2', frame_rate: 30 },
        })
      ).status,
    ).toBe(204);
    expectError(await originCall(`${base}/input`, { body: { ...INPUT, width: '1920' } }), 400);
    expectError(await originCall(`${base}/input`, { body: { ...INPUT, extra: 1 } }), 400);
    expectError(
      await originCall(`${base}/renditions/720p`, {
        method: 'PUT',
        body: { bandwidth: 1, resolution: '1280x720', codecs: 'avc1"bad', frame_rate: 30 },
      }),
      400,
    );
    expectError(
      await originCall(`${base}/renditions/1080p`, {
        method: 'PUT',
        body: { bandwidth: 1, resolution: '1x1', codecs: 'avc1', frame_rate: 30 },
      }),
      400,
      'invalid_request',
    );
    const api = await call(`/v1/streams/${s.id}`, { auth: key.token });
    expect(api.json.current_session.input).toEqual(INPUT);
  });
});

describe('origin segments', () => {
  it('writes a segment to R2 once: 201, then 200 on retries', async () => {
    const { s, session } = await liveStream();
    const bytes = fakeSegment('first');
    expect((await uploadSegment(s.id, session.session_id, '720p', 0, { bytes })).status).toBe(201);
    expect((await uploadSegment(s.id, session.session_id, '720p', 0, { bytes })).status).toBe(200);
    expect(
      (await uploadSegment(s.id, session.session_id, '720p', 0, { bytes: fakeSegment('a retry with other bytes') }))
        .status,
    ).toBe(200);
    const obj = await env.MEDIA.get(`live/${s.id}/${session.session_id}/720p/0.ts`);
    expect(new Uint8Array(await obj!.arrayBuffer())).toEqual(bytes);
    expect(obj!.httpMetadata?.contentType).toBe('video/mp2t');
    // Same sequence, other rendition: another segment.
    expect((await uploadSegment(s.id, session.session_id, '480p', 0)).status).toBe(201);
  });

  it('refuses malformed segment requests with 4xx', async () => {
    const { s, session } = await liveStream();
    const base = sessionPath(s.id, session.session_id);
    const put = (p: string, raw: BodyInit = fakeSegment('x')) => originCall(p, { method: 'PUT', raw });
    expectError(await put(`${base}/renditions/4k/segments/0?duration=2`), 400);
    expectError(await put(`${base}/renditions/1080p/segments/0?duration=2`), 400);
    expectError(await put(`${base}/renditions/720p/segments/-1?duration=2`), 400);
    expectError(await put(`${base}/renditions/720p/segments/abc?duration=2`), 400);
    expectError(await put(`${base}/renditions/720p/segments/0`), 400);
    expectError(await put(`${base}/renditions/720p/segments/0?duration=0`), 400);
    expectError(await put(`${base}/renditions/720p/segments/0?duration=2&pdt=yesterday`), 400);
    expectError(await put(`${base}/renditions/720p/segments/0?duration=2&discontinuity=maybe`), 400);
    expectError(await put(`${base}/renditions/720p/segments/0?duration=2`, new Uint8Array(0)), 400);
    expectError(
      await put(
        `/internal/origin/streams/app_abcdefghijkl/sessions/${session.session_id}/renditions/720p/segments/0?duration=2`,
      ),
      404,
    );
    expectError(await put(`${sessionPath(s.id, 'ses_abcdefghijkl')}/renditions/720p/segments/0?duration=2`), 404);
    expectError(
      await put(`${sessionPath(s.id, 'lsn_abcdefghijklmnop')}/renditions/720p/segments/0?duration=2`),
      409,
      'session_ended',
    );
    expect(await env.MEDIA.list({ prefix: `live/${s.id}/` }).then((l) => l.objects.length)).toBe(0);
  });

  it('stops a disabled or deleted stream with 409 and writes nothing more', async () => {
    const { key, s, session } = await liveStream();
    expect((await uploadSegment(s.id, session.session_id, '720p', 0)).status).toBe(201);
    await call(`/v1/streams/${s.id}/disable`, { method: 'POST', auth: key.token });
    expectError(await uploadSegment(s.id, session.session_id, '720p', 1), 409, 'stream_disabled');
    expect(await originCall(`/internal/origin/streams/${s.id}/status`)).toMatchObject({
      json: { status: 'disabled', disabled: true },
    });
    expectError(await publish(s.stream_key), 403, 'stream_disabled');
    expect((await call(`/v1/streams/${s.id}`, { auth: key.token })).json).toMatchObject({
      status: 'disabled',
      current_session: null,
    });

    const other = await liveStream();
    await call(`/v1/streams/${other.s.id}`, { method: 'DELETE', auth: other.key.token });
    expectError(await uploadSegment(other.s.id, other.session.session_id, '720p', 0), 409, 'session_ended');
    expect(await originCall(`/internal/origin/streams/${other.s.id}/status`)).toMatchObject({
      json: { status: 'deleted', disabled: true },
    });
    expect(await env.MEDIA.list({ prefix: `live/${other.s.id}/` }).then((l) => l.objects.length)).toBe(0);
  });

  it('refuses a second publish while the stream is healthy and live, from any origin, keeping the epoch', async () => {
    const { key, s, session } = await liveStream();
    expect((await uploadSegment(s.id, session.session_id, '720p', 0)).status).toBe(201);
    expectError(await publish(s.stream_key, 'orig_local2'), 409, 'stream_live');
    expectError(await publish(s.stream_key), 409, 'stream_live');
    expect(await stateOf(s.id)).toMatchObject({ epoch: 0, origin_id: 'orig_local', status: 'active' });
    expect((await uploadSegment(s.id, session.session_id, '720p', 1)).status).toBe(201);
    expect((await call(`/v1/streams/${s.id}`, { auth: key.token })).json).toMatchObject({
      status: 'active',
      current_session: { origin_id: 'orig_local', reconnects: 0 },
    });
  });

  it('hands a stalled session to a second origin and refuses the first one from then on', async () => {
    const { key, s, session } = await liveStream();
    expect((await uploadSegment(s.id, session.session_id, '720p', 0)).status).toBe(201);
    // Nothing from the first origin for longer than the stall limit: it may be taken over.
    await runInDurableObject(streamStubOf(s.id), (_o, state) => {
      state.storage.sql.exec('UPDATE state SET last_activity_at = ?', Date.now() - 31_000);
    });
    const taken = await publish(s.stream_key, 'orig_local2');
    expect(taken.json).toMatchObject({ session_id: session.session_id, resumed: true, next_sequence: 1 });
    expectError(await uploadSegment(s.id, session.session_id, '720p', 1), 409, 'session_ended');
    expect((await uploadSegment(s.id, session.session_id, '720p', 1, { origin: 'orig_local2' })).status).toBe(201);
    // The first origin's late publish-done must not end the second one's publish.
    await originCall(`${sessionPath(s.id, session.session_id)}/publish-done`, { body: {} });
    expect((await call(`/v1/streams/${s.id}`, { auth: key.token })).json).toMatchObject({
      status: 'active',
      current_session: { origin_id: 'orig_local2', reconnects: 1 },
    });
  });
});

describe('origin lifecycle', () => {
  it('reconnects within the window to the same session, numbering on', async () => {
    const { key, s, session } = await liveStream({ reconnect_window: 60 });
    for (const seq of [0, 1, 2]) await uploadSegment(s.id, session.session_id, '720p', seq);
    expect((await originCall(`${sessionPath(s.id, session.session_id)}/publish-done`, { body: {} })).status).toBe(204);
    expect((await call(`/v1/streams/${s.id}`, { auth: key.token })).json).toMatchObject({
      status: 'reconnecting',
      current_session: { status: 'reconnecting' },
    });
    expect((await originCall(`/internal/origin/streams/${s.id}/status`)).json).toEqual({
      status: 'reconnecting',
      disabled: false,
    });
    const back = await publish(s.stream_key);
    expect(back.json).toMatchObject({ session_id: session.session_id, resumed: true, next_sequence: 3 });
    expect((await call(`/v1/streams/${s.id}`, { auth: key.token })).json).toMatchObject({
      status: 'active',
      current_session: { reconnects: 1 },
    });
    const sessions = await call(`/v1/streams/${s.id}/sessions`, { auth: key.token });
    expect(sessions.json.data).toHaveLength(1);
  });

  it('ends at once with a zero window, and the next publish is a new session', async () => {
    const { key, s, session } = await liveStream({ reconnect_window: 0 });
    await originCall(`${sessionPath(s.id, session.session_id)}/publish-done`, { body: {} });
    expect((await call(`/v1/streams/${s.id}`, { auth: key.token })).json).toMatchObject({
      status: 'idle',
      current_session: null,
    });
    expectError(await uploadSegment(s.id, session.session_id, '720p', 0), 409, 'session_ended');
    const next = await publish(s.stream_key);
    expect(next.json.resumed).toBe(false);
    expect(next.json.session_id).not.toBe(session.session_id);
    const sessions = await call(`/v1/streams/${s.id}/sessions`, { auth: key.token });
    expect(sessions.json.data.map((x: { status: string }) => x.status)).toEqual(['active', 'ended']);
  });

  it('stores a JPEG thumbnail and refuses anything else', async () => {
    const { s, session } = await liveStream();
    const base = sessionPath(s.id, session.session_id);
    expectError(await originCall(`${base}/thumbnail`, { raw: new TextEncoder().encode('not a jpeg') }), 400);
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    expect((await originCall(`${base}/thumbnail`, { raw: jpeg })).status).toBe(204);
    const obj = await env.MEDIA.get(`thumbnails/${s.id}/latest.jpg`);
    expect(new Uint8Array(await obj!.arrayBuffer())).toEqual(jpeg);
    expectError(await originCall(`${base}/thumbnail`, { raw: jpeg, origin: 'orig_local2' }), 409, 'session_ended');
  });
});
