import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { Env } from '../../core/env';
import { call, tenant } from '../../workers/test/helpers';
import { createStream, publish, streamStubOf, uploadSegment } from '../../workers/test/origin';
import type { StreamObject } from './stream.do';

/**
 * The object changes its state before D1 hears of it. A D1 failure at that moment must not leave
 * the mirror behind for good (nor fail the publish, whose retry would look like a second publisher):
 * the reaction stays in the object's outbox and the next call or alarm finishes it.
 */

const stubOf = streamStubOf;

describe('the publish-time D1 mirror', () => {
  it('is finished by the next call when D1 fails once during the publish', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 60 });
    const stub = stubOf(s.id);
    await runInDurableObject(stub, (o: StreamObject) => {
      const db = (o as unknown as { env: Env }).env.DB;
      vi.spyOn(db, 'batch').mockRejectedValueOnce(new Error('D1 is briefly unavailable'));
    });
    const pub = await publish(s.stream_key);
    expect(pub.status, pub.text).toBe(200);
    const sessionId = pub.json.session_id as string;
    expect((await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json).toMatchObject({ status: 'idle' });

    // The next call from the origin (a segment) finishes what the publish left undone.
    expect((await uploadSegment(s.id, sessionId, '720p', 0)).status).toBe(201);
    expect((await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json).toMatchObject({
      status: 'active',
      current_session: { id: sessionId, status: 'active' },
    });
    const events = (await call('/v1/events?limit=100', { auth: t.key.token })).json.data
      .filter((e: { object: { id: string } }) => e.object.id === s.id)
      .map((e: { type: string }) => e.type);
    expect(events.filter((x: string) => x === 'stream.active')).toHaveLength(1);
    // Nothing is left for the alarm to do twice.
    await runDurableObjectAlarm(stub);
    const sessions = await call(`/v1/streams/${s.id}/sessions`, { auth: t.key.token });
    expect(sessions.json.data).toHaveLength(1);
  });
});
