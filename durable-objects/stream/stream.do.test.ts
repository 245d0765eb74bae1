import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../../workers/test/helpers';
import {
  createStream,
  eventTypes,
  originCall,
  publish,
  sessionPath,
  streamStubOf,
  uploadSegment,
} from '../../workers/test/origin';
import type { StreamObject } from './stream.do';

const stubOf = streamStubOf;

async function live(body: Record<string, unknown> = {}) {
  const t = await tenant();
  const s = await createStream(t.key.token, { playback_policies: ['public'], ...body });
  const pub = await publish(s.stream_key);
  expect(pub.status, pub.text).toBe(200);
  return { ...t, s, sessionId: pub.json.session_id as string, stub: stubOf(s.id) };
}

const publishDone = (streamId: string, sessionId: string) =>
  originCall(`${sessionPath(streamId, sessionId)}/publish-done`, { body: {} });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The URIs a playlist lists, in order, with a marker where a discontinuity sits. */
const entries = (text: string) =>
  text
    .split('\n')
    .filter((l) => l === '#EXT-X-DISCONTINUITY' || (l && !l.startsWith('#')))
    .map((l) => (l.startsWith('#') ? '|' : l));

describe('StreamObject state machine', () => {
  it('goes active, reconnecting (alarm at the deadline), active again, and refuses once disabled', async () => {
    const { key, s, sessionId, stub } = await live({ reconnect_window: 120 });
    expect(await stub.status()).toEqual({ status: 'active', disabled: false });
    await publishDone(s.id, sessionId);
    const before = Date.now();
    const alarm = await runInDurableObject(stub, async (_o: StreamObject, state) => {
      const row = state.storage.sql
        .exec<{ status: string; reconnect_deadline: number }>('SELECT status, reconnect_deadline FROM state')
        .one();
      return { ...row, alarm: await state.storage.getAlarm() };
    });
    expect(alarm.status).toBe('reconnecting');
    expect(alarm.alarm).toBe(alarm.reconnect_deadline);
    expect(alarm.reconnect_deadline).toBeGreaterThan(before + 110_000);
    // An alarm run early changes nothing: the window is not over.
    await runDurableObjectAlarm(stub);
    expect((await stub.status()).status).toBe('reconnecting');

    expect((await publish(s.stream_key)).json.resumed).toBe(true);
    expect(
      await runInDurableObject(
        stub,
        (_o: StreamObject, state) => state.storage.sql.exec<{ epoch: number }>('SELECT epoch FROM state').one().epoch,
      ),
    ).toBe(1);

    await call(`/v1/streams/${s.id}/disable`, { method: 'POST', auth: key.token });
    expect(await stub.status()).toEqual({ status: 'disabled', disabled: true });
    expect(
      await stub.publish({
        streamId: s.id,
        appId: s.app_id as string,
        originId: 'orig_local',
        config: { latencyMode: 'standard', recording: false, reconnectWindowS: 60, ladder: ['720p'] },
      }),
    ).toEqual({ ok: false, code: 'stream_disabled' });
    expect(await eventTypes(s.id)).toEqual([
      'stream.created',
      'stream.active',
      'stream.reconnecting',
      'stream.active',
      'stream.idle',
      // The stream's room reports the session's peak viewers when the session ends.
      'viewers.peak',
      'stream.disabled',
    ]);
  });

  it('ends the session when the reconnect window runs out', async () => {
    const { key, s, sessionId, stub } = await live({ reconnect_window: 1 });
    await uploadSegment(s.id, sessionId, '720p', 0);
    await publishDone(s.id, sessionId);
    expect((await stub.status()).status).toBe('reconnecting');
    await sleep(1100);
    await runDurableObjectAlarm(stub);
    expect(await stub.status()).toEqual({ status: 'idle', disabled: false });
    const api = await call(`/v1/streams/${s.id}`, { auth: key.token });
    expect(api.json).toMatchObject({ status: 'idle', current_session: null });
    const sessions = await call(`/v1/streams/${s.id}/sessions`, { auth: key.token });
    expect(sessions.json.data[0]).toMatchObject({
      id: sessionId,
      status: 'ended',
      ended_at: expect.any(String),
      recording: null,
    });
    expect((await publish(s.stream_key)).json.resumed).toBe(false);
    expect(await eventTypes(s.id)).toContain('stream.idle');
  });

  it('moves a stream whose origin went silent to reconnecting', async () => {
    const { s, stub } = await live({ reconnect_window: 60 });
    await runInDurableObject(stub, (_o: StreamObject, state) => {
      state.storage.sql.exec('UPDATE state SET last_activity_at = ?', Date.now() - 31_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status()).status).toBe('reconnecting');
    expect(await eventTypes(s.id)).toContain('stream.reconnecting');
  });
});

describe('StreamObject playlists', () => {
  it('lists a segment only after its write completed', async () => {
    const { s, sessionId, stub } = await live();
    expect(await stub.beginSegment(sessionId, 'orig_local', '720p', 0)).toMatchObject({ ok: true, exists: false });
    expect(entries((await stub.mediaPlaylist(sessionId, '720p'))!)).toEqual([]);
    expect(await stub.master()).toBeNull();
    await uploadSegment(s.id, sessionId, '720p', 0);
    expect(entries((await stub.mediaPlaylist(sessionId, '720p'))!)).toEqual(['720p/0.ts']);
  });

  it('puts a discontinuity after a reconnect and keeps media sequence numbers stable', async () => {
    const { s, sessionId, stub } = await live({ reconnect_window: 60 });
    for (const seq of [0, 1]) await uploadSegment(s.id, sessionId, '720p', seq);
    await publishDone(s.id, sessionId);
    const back = await publish(s.stream_key);
    expect(back.json.next_sequence).toBe(2);
    // The new pipeline may start further on; the jump is expected after a reconnect.
    for (const seq of [5, 6]) await uploadSegment(s.id, sessionId, '720p', seq);
    const text = (await stub.mediaPlaylist(sessionId, '720p'))!;
    expect(entries(text)).toEqual(['720p/0.ts', '720p/1.ts', '|', '720p/5.ts', '720p/6.ts']);
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:0\n');
    expect(text).not.toContain('#EXT-X-ENDLIST');
    expect(text.match(/#EXT-X-PROGRAM-DATE-TIME:/g)).toHaveLength(4);
  });

  it('puts a discontinuity where the origin marks one (a pipeline restart), in the recording too', async () => {
    const { s, sessionId, stub } = await live({ recording: true, reconnect_window: 0 });
    await uploadSegment(s.id, sessionId, '720p', 0, { discontinuity: true });
    await uploadSegment(s.id, sessionId, '720p', 1);
    await uploadSegment(s.id, sessionId, '720p', 2, { discontinuity: true });
    const text = (await stub.mediaPlaylist(sessionId, '720p'))!;
    expect(entries(text)).toEqual(['720p/0.ts', '720p/1.ts', '|', '720p/2.ts']);
    expect(text).not.toContain('DISCONTINUITY-SEQUENCE');
    await publishDone(s.id, sessionId);
    const vod = await (await env.MEDIA.get(`recordings/${s.id}/${sessionId}/720p.m3u8`))!.text();
    expect(entries(vod)).toEqual(['720p/0.ts', '720p/1.ts', '|', '720p/2.ts']);
  });

  it('holds segments behind a hole until it fills, and skips it after waiting', async () => {
    const { s, sessionId, stub } = await live();
    await uploadSegment(s.id, sessionId, '720p', 0);
    await uploadSegment(s.id, sessionId, '720p', 2);
    expect(entries((await stub.mediaPlaylist(sessionId, '720p'))!)).toEqual(['720p/0.ts']);
    await uploadSegment(s.id, sessionId, '720p', 1);
    expect(entries((await stub.mediaPlaylist(sessionId, '720p'))!)).toEqual(['720p/0.ts', '720p/1.ts', '720p/2.ts']);

    await uploadSegment(s.id, sessionId, '720p', 4);
    await runInDurableObject(stub, (_o: StreamObject, state) => {
      state.storage.sql.exec('UPDATE segments SET received_at = received_at - 60000 WHERE sequence = 4');
    });
    expect(entries((await stub.mediaPlaylist(sessionId, '720p'))!)).toEqual([
      '720p/0.ts',
      '720p/1.ts',
      '720p/2.ts',
      '|',
      '720p/4.ts',
    ]);
    // The hole's segment arriving late is not slipped in behind the listed ones.
    await uploadSegment(s.id, sessionId, '720p', 3);
    await uploadSegment(s.id, sessionId, '720p', 5);
    expect(entries((await stub.mediaPlaylist(sessionId, '720p'))!)).toEqual([
      '720p/0.ts',
      '720p/1.ts',
      '720p/2.ts',
      '|',
      '720p/4.ts',
      '720p/5.ts',
    ]);
  });

  it('slides the window and counts the discontinuities that left it', async () => {
    const { s, sessionId, stub } = await live({ latency_mode: 'standard', reconnect_window: 60 });
    await uploadSegment(s.id, sessionId, '720p', 0);
    await publishDone(s.id, sessionId);
    await publish(s.stream_key);
    for (let seq = 1; seq <= 16; seq++) await uploadSegment(s.id, sessionId, '720p', seq);
    const text = (await stub.mediaPlaylist(sessionId, '720p'))!;
    // 30 s of 2 s segments: 15 listed, 0 and 1 gone; the discontinuity before 1 is counted.
    expect(entries(text)).toEqual(Array.from({ length: 15 }, (_, i) => `720p/${i + 2}.ts`));
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:2\n');
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1\n');
  });
});

describe('StreamObject recording', () => {
  it('writes a VOD playlist per rendition and a master when the session ends', async () => {
    const { key, s, sessionId, stub } = await live({ recording: true, reconnect_window: 60, ladder: ['720p', '360p'] });
    for (const seq of [0, 1]) {
      await uploadSegment(s.id, sessionId, '720p', seq);
      await uploadSegment(s.id, sessionId, '360p', seq);
    }
    await originCall(`${sessionPath(s.id, sessionId)}/renditions/720p`, {
      method: 'PUT',
      body: { bandwidth: 3_000_000, resolution: '1280x720', codecs: 'avc1.64001f,mp4a.40.2', frame_rate: 30 },
    });
    await publishDone(s.id, sessionId);
    await publish(s.stream_key);
    await uploadSegment(s.id, sessionId, '720p', 2, { duration: 1.5 });
    await publishDone(s.id, sessionId);
    await runInDurableObject(stub, (_o: StreamObject, state) => {
      state.storage.sql.exec('UPDATE state SET reconnect_deadline = ?', Date.now() - 1);
    });
    await runDurableObjectAlarm(stub);

    const vod = await (await env.MEDIA.get(`recordings/${s.id}/${sessionId}/720p.m3u8`))!.text();
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
    expect(entries(vod)).toEqual(['720p/0.ts', '720p/1.ts', '|', '720p/2.ts']);
    expect(vod.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const master = await (await env.MEDIA.get(`recordings/${s.id}/${sessionId}/master.m3u8`))!.text();
    expect(master).toContain('RESOLUTION=1280x720');
    expect(entries(master)).toEqual([`${sessionId}/720p.m3u8`, `${sessionId}/360p.m3u8`]);

    const sessions = await call(`/v1/streams/${s.id}/sessions`, { auth: key.token });
    expect(sessions.json.data[0]).toMatchObject({
      status: 'ended',
      reconnects: 1,
      recording: { status: 'ready', duration_s: 5.5, renditions: ['720p', '360p'] },
    });
    const types = await eventTypes(sessionId);
    expect(types).toEqual(['recording.ready']);

    // The recording has URLs of its own, from R2, in full, at once; the live URL keeps the object's
    // window plus ENDLIST for players that were on it (a live playlist may not grow back, RFC 8216 6.2.1).
    const pb = s.playback_ids[0]!.id;
    expect(sessions.json.data[0].recording.playback_path).toBe(`recordings/${sessionId}.m3u8`);
    const recMaster = await call(`/hls/${pb}/recordings/${sessionId}.m3u8`);
    expect(recMaster.text).toBe(master);
    expect(recMaster.headers.get('cache-control')).toBe('public, max-age=86400');
    const recMedia = await call(`/hls/${pb}/recordings/${sessionId}/720p.m3u8`);
    expect(recMedia.text).toBe(vod);
    expect(recMedia.headers.get('cache-control')).toBe('public, max-age=86400');
    const ended = await call(`/hls/${pb}/${sessionId}/720p.m3u8`);
    expect(ended.text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(ended.text).not.toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(ended.headers.get('cache-control')).toBe('public, max-age=1');
    // Once a new session has replaced it in the object, the old live URL leads to the recording
    // (after the Worker's playlist micro-cache, a fraction of a second, has let its copy go).
    await publish(s.stream_key);
    const deadline = Date.now() + 2000;
    let moved: Response;
    do {
      moved = await exports.default.fetch(
        new Request(`http://edgelive.test/hls/${pb}/${sessionId}/720p.m3u8`, { redirect: 'manual' }),
      );
      if (moved.status !== 301) await new Promise((r) => setTimeout(r, 100));
    } while (moved.status !== 301 && Date.now() < deadline);
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(`/hls/${pb}/recordings/${sessionId}/720p.m3u8`);
  });

  it('plays a long recording in full right after the session, while the live URL keeps its window', async () => {
    const { s, sessionId } = await live({ recording: true, reconnect_window: 0, latency_mode: 'standard' });
    for (let seq = 0; seq < 25; seq++) await uploadSegment(s.id, sessionId, '720p', seq);
    await publishDone(s.id, sessionId);
    const pb = s.playback_ids[0]!.id;
    const window = await call(`/hls/${pb}/${sessionId}/720p.m3u8`);
    // 30 s of 2 s segments: the last 15, then ENDLIST.
    expect(entries(window.text)).toEqual(Array.from({ length: 15 }, (_, i) => `720p/${i + 10}.ts`));
    expect(window.text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const rec = await call(`/hls/${pb}/recordings/${sessionId}/720p.m3u8`);
    expect(rec.status, rec.text).toBe(200);
    expect(entries(rec.text)).toEqual(Array.from({ length: 25 }, (_, i) => `720p/${i}.ts`));
    expect(rec.text).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
    expect(rec.text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });

  it('writes no recording when recording is off', async () => {
    const { s, sessionId } = await live({ recording: false, reconnect_window: 0 });
    await uploadSegment(s.id, sessionId, '720p', 0);
    await publishDone(s.id, sessionId);
    expect((await env.MEDIA.list({ prefix: `recordings/${s.id}/` })).objects).toEqual([]);
  });
});
