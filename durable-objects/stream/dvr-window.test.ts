import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../../workers/test/helpers';
import {
  createStream,
  eventTypes,
  originCall,
  publish,
  sessionPath,
  streamStubOf,
  uploadSegment,
} from '../../workers/test/origin';
import { playlistUris } from '../../workers/test/playback';

/**
 * Issue 14's long streams: `dvr_window_seconds` makes the live playlist keep that much of the
 * session (and every segment it names is still readable, recording or not), and
 * `max_duration_seconds` ends a session that ran that long, with its event.
 */

async function liveStream(body: Record<string, unknown>) {
  const t = await tenant();
  const s = await createStream(t.key.token, { playback_policies: ['public'], reconnect_window: 0, ...body });
  const pub = await publish(s.stream_key);
  expect(pub.status, pub.text).toBe(200);
  return { t, s, sessionId: pub.json.session_id as string, pb: s.playback_ids[0]!.id };
}

/** The live 720p playlist: its media sequence and the sequence numbers it names. */
async function livePlaylist(pb: string, sessionId: string) {
  const path = `/hls/${pb}/${sessionId}/720p.m3u8`;
  const res = await call(path);
  expect(res.status, res.text).toBe(200);
  const msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(res.text)?.[1]);
  const uris = playlistUris(res.text, path);
  return { msn, uris, seqs: uris.map((u) => Number(/(\d+)\.ts/.exec(u)?.[1])) };
}

describe('DVR window', () => {
  it('keeps dvr_window_seconds of the session in the live playlist, sliding at its edge, every named segment readable', async () => {
    // 60 s at 2 s segments: 30 listed (the plain live window is 15); recording off, so the log prunes.
    const l = await liveStream({ dvr_window_seconds: 60, recording: false });
    expect((await call(`/v1/streams/${l.s.id}`, { auth: l.t.key.token })).json).toMatchObject({
      dvr_window_seconds: 60,
      max_duration_seconds: 43200,
    });
    for (let i = 0; i < 30; i++) await uploadSegment(l.s.id, l.sessionId, '720p', i);
    let p = await livePlaylist(l.pb, l.sessionId);
    expect(p.msn).toBe(0);
    expect(p.seqs).toEqual([...Array(30).keys()]);
    // One past the edge: the oldest slides out, nothing else changes.
    await uploadSegment(l.s.id, l.sessionId, '720p', 30);
    p = await livePlaylist(l.pb, l.sessionId);
    expect(p.msn).toBe(1);
    expect(p.seqs).toEqual([...Array(30).keys()].map((n) => n + 1));
    for (let i = 31; i < 40; i++) await uploadSegment(l.s.id, l.sessionId, '720p', i);
    p = await livePlaylist(l.pb, l.sessionId);
    expect(p.msn).toBe(10);
    expect(p.seqs[0]).toBe(10);
    expect(p.seqs).toHaveLength(30);
    // A viewer seeking back to the window's first segment finds it, and its last.
    for (const u of [p.uris[0]!, p.uris[29]!]) expect((await call(u)).status, u).toBe(200);
  });

  it('keeps the plain live window without one, and refuses a window over 4 h', async () => {
    const l = await liveStream({});
    for (let i = 0; i < 20; i++) await uploadSegment(l.s.id, l.sessionId, '720p', i);
    const p = await livePlaylist(l.pb, l.sessionId);
    expect(p.seqs).toEqual([...Array(15).keys()].map((n) => n + 5));
    expectError(await call('/v1/streams', { auth: l.t.key.token, body: { dvr_window_seconds: 4 * 3600 + 1 } }), 400);
    expectError(await call('/v1/streams', { auth: l.t.key.token, body: { max_duration_seconds: 10 } }), 400);
    const patched = await call(`/v1/streams/${l.s.id}`, {
      method: 'PATCH',
      auth: l.t.key.token,
      body: { dvr_window_seconds: 3600, max_duration_seconds: 600 },
    });
    expect(patched.json).toMatchObject({ dvr_window_seconds: 3600, max_duration_seconds: 600 });
  });
});

describe('maximum continuous duration', () => {
  it('ends a session that ran for max_duration_seconds, with stream.max_duration_reached, and refuses its origin after', async () => {
    const l = await liveStream({ max_duration_seconds: 60, recording: true });
    await uploadSegment(l.s.id, l.sessionId, '720p', 0);
    const stub = streamStubOf(l.s.id);
    // The timer is set for started_at + 60 s.
    const [startedAt, at] = await runInDurableObject(stub, (_o, state) => [
      state.storage.sql.exec<{ v: number }>('SELECT started_at AS v FROM state').one().v,
      state.storage.sql.exec<{ v: number }>("SELECT at AS v FROM schedules WHERE name = 'max_duration'").one().v,
    ]);
    expect(at).toBe(startedAt + 60_000);
    // Not yet due: the alarm leaves the session alone.
    await runDurableObjectAlarm(stub);
    expect((await call(`/v1/streams/${l.s.id}`, { auth: l.t.key.token })).json.status).toBe('active');
    // 61 s later (moved back rather than waited for).
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec('UPDATE state SET started_at = started_at - 61000, last_activity_at = ?', Date.now());
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const s = await call(`/v1/streams/${l.s.id}`, { auth: l.t.key.token });
    expect(s.json).toMatchObject({ status: 'idle', current_session: null });
    const types = await eventTypes(l.s.id);
    expect(types.slice(types.indexOf('stream.max_duration_reached'), -1)).toEqual([
      'stream.max_duration_reached',
      'stream.idle',
    ]);
    // The recording so far is an asset like any ended session's.
    const assets = await call(`/v1/assets?stream_id=${l.s.id}`, { auth: l.t.key.token });
    expect(assets.json.data[0]).toMatchObject({ status: 'ready', duration: 2 });
    // The origin's next call is refused, which makes the agent drop the publisher.
    expectError(await uploadSegment(l.s.id, l.sessionId, '720p', 1), 409, 'session_ended');
    // A new publish starts a new session.
    const again = await publish(l.s.stream_key);
    expect(again.status, again.text).toBe(200);
    expect(again.json.session_id).not.toBe(l.sessionId);
    await originCall(`${sessionPath(l.s.id, again.json.session_id)}/publish-done`, { body: {} });
  });
});
