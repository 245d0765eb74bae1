import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
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

/**
 * An origin whose calls stopped reaching the Worker for longer than the stall limit (a network
 * cut the agent rode out by buffering) but never left: when its uploads come back the session is
 * live again, and the reconnect deadline set by the stall no longer ends it.
 */

const stubOf = streamStubOf;

describe('a stalled session that resumes', () => {
  it("returns to active on its own origin's next segment and stays active past the old deadline", async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 60 });
    const pub = await publish(s.stream_key);
    const sessionId = pub.json.session_id as string;
    const stub = stubOf(s.id);
    expect((await uploadSegment(s.id, sessionId, '720p', 0)).status).toBe(201);

    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec('UPDATE state SET last_activity_at = ?', Date.now() - 31_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status()).status).toBe('reconnecting');

    // The buffered uploads arrive: the same origin, the same session, numbering on.
    expect((await uploadSegment(s.id, sessionId, '720p', 1)).status).toBe(201);
    expect((await stub.status()).status).toBe('active');
    const row = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec<{ reconnect_deadline: number | null }>('SELECT reconnect_deadline FROM state').one(),
    );
    expect(row.reconnect_deadline).toBeNull();
    expect(await eventTypes(s.id)).toEqual(['stream.created', 'stream.active', 'stream.reconnecting', 'stream.active']);

    // Whatever timer is left fires as if the old deadline had passed: the session lives on.
    await runInDurableObject(stub, (_o, state) => {
      state.storage.sql.exec('UPDATE schedules SET at = 1');
    });
    await runDurableObjectAlarm(stub);
    expect((await stub.status()).status).toBe('active');
    expect((await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json).toMatchObject({
      status: 'active',
      current_session: { id: sessionId, status: 'active', reconnects: 0 },
    });
    expect((await uploadSegment(s.id, sessionId, '720p', 2)).status).toBe(201);
  });

  it('does not come back from late uploads after publish-done', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 60 });
    const sessionId = (await publish(s.stream_key)).json.session_id as string;
    const stub = stubOf(s.id);
    expect((await originCall(`${sessionPath(s.id, sessionId)}/publish-done`, { body: {} })).status).toBe(204);
    expect((await stub.status()).status).toBe('reconnecting');
    expect((await uploadSegment(s.id, sessionId, '720p', 0)).status).toBe(201);
    expect((await stub.status()).status).toBe('reconnecting');
  });
});
