import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import type { Env } from '../../core/env';
import { call, tenant } from '../../workers/test/helpers';
import { createStream, originCall, publish, sessionPath, streamStubOf, uploadSegment } from '../../workers/test/origin';
import type { StreamObject } from './stream.do';

/**
 * Ending a session writes its recording before anything calls it over: a transient R2 failure at
 * the deadline leaves the session pending, and the next alarm finishes it (recording, mirror,
 * events) instead of losing the VOD.
 */

const stubOf = streamStubOf;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('finalizing a session', () => {
  it('retries the recording from the alarm when MEDIA.put fails once, then goes idle with its events', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 1, recording: true, ladder: ['720p'] });
    const sessionId = (await publish(s.stream_key)).json.session_id as string;
    const stub = stubOf(s.id);
    for (const seq of [0, 1]) expect((await uploadSegment(s.id, sessionId, '720p', seq)).status).toBe(201);
    await runInDurableObject(stub, (o: StreamObject) => {
      const media = (o as unknown as { env: Env }).env.MEDIA;
      vi.spyOn(media, 'put').mockRejectedValueOnce(new Error('R2 is briefly unavailable'));
    });
    await originCall(`${sessionPath(s.id, sessionId)}/publish-done`, { body: {} });
    // The deadline's alarm runs by itself a second later, and its recording write fails.
    const pending = () =>
      runInDurableObject(stub, (_o, state) =>
        state.storage.sql.exec<{ finalize_pending: number }>('SELECT finalize_pending FROM state').one(),
      );
    for (let i = 0; i < 50 && (await pending()).finalize_pending === 0; i++) await sleep(100);
    expect((await pending()).finalize_pending).toBe(1);
    // Not idle yet: the recording is not written, nothing announced the end.
    expect((await stub.status()).status).toBe('reconnecting');
    const types = async () =>
      (await call('/v1/events?limit=100', { auth: t.key.token })).json.data
        .filter((e: { object: { id: string } }) => e.object.id === s.id || e.object.id === sessionId)
        .map((e: { type: string }) => e.type);
    expect(await types()).not.toContain('stream.idle');
    // The live playlist already says the session is over.
    expect(await stub.mediaPlaylist(sessionId, '720p')).toContain('#EXT-X-ENDLIST');

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status()).status).toBe('idle');
    expect(await env.MEDIA.head(`recordings/${s.id}/${sessionId}/720p.m3u8`)).not.toBeNull();
    expect(await types()).toEqual(expect.arrayContaining(['stream.idle', 'recording.ready']));
    const sessions = await call(`/v1/streams/${s.id}/sessions`, { auth: t.key.token });
    expect(sessions.json.data[0]).toMatchObject({ id: sessionId, status: 'ended', recording: { status: 'ready' } });
  });
});
