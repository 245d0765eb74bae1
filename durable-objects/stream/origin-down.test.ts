import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../../workers/test/helpers';
import { createStream, originCall, publish, streamStubOf, uploadSegment } from '../../workers/test/origin';

/**
 * An origin that dies (no publish-done, no more heartbeats): 15 s after the stream's last activity
 * the object looks at the origin's heartbeat, finds it three beats late, and moves the stream to
 * `reconnecting` without waiting out the 30 s stall. An origin still beating is given its time.
 */
const beat = (origin: 'orig_local' | 'orig_local2') =>
  originCall('/internal/origin/heartbeat', { body: { publications: 1 }, origin });
const quietFor = (stub: ReturnType<typeof streamStubOf>, ms: number) =>
  runInDurableObject(stub, (_o, state) => {
    state.storage.sql.exec('UPDATE state SET last_activity_at = ?', Date.now() - ms);
  });
const heartbeatAge = (origin: string, ms: number) =>
  env.DB.prepare('UPDATE origin_heartbeats SET last_seen_at = ? WHERE origin_id = ?')
    .bind(Date.now() - ms, origin)
    .run();

describe('an origin that stops heartbeating', () => {
  it('moves its stream to reconnecting 15 s after the last activity, and the API says so', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 60 });
    expect((await beat('orig_local')).status).toBe(204);
    const sessionId = (await publish(s.stream_key)).json.session_id as string;
    expect((await uploadSegment(s.id, sessionId, 'source', 0)).status).toBe(201);
    const stub = streamStubOf(s.id);

    // 16 s quiet, the origin's last heartbeat 16 s old: down.
    await quietFor(stub, 16_000);
    await heartbeatAge('orig_local', 16_000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status()).status).toBe('reconnecting');
    expect((await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json).toMatchObject({
      status: 'reconnecting',
      current_session: { id: sessionId, status: 'reconnecting' },
    });
  });

  it('leaves a quiet stream active while its origin still beats, then stalls it at 30 s as before', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { reconnect_window: 60 });
    expect((await beat('orig_local2')).status).toBe(204);
    const sessionId = (await publish(s.stream_key, 'orig_local2')).json.session_id as string;
    expect((await uploadSegment(s.id, sessionId, 'source', 0, { origin: 'orig_local2' })).status).toBe(201);
    const stub = streamStubOf(s.id);

    await quietFor(stub, 16_000);
    await heartbeatAge('orig_local2', 2000);
    await runDurableObjectAlarm(stub);
    expect((await stub.status()).status).toBe('active');
    // The recheck is set for when that heartbeat would be late, not a busy loop.
    const at = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec<{ at: number }>("SELECT at FROM schedules WHERE name = 'stall'").one(),
    );
    expect(at.at).toBeGreaterThan(Date.now() + 10_000);

    await quietFor(stub, 31_000);
    await runDurableObjectAlarm(stub);
    expect((await stub.status()).status).toBe('reconnecting');
  });
});
