import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../test/helpers';
import { createStream, originCall, publish } from '../test/origin';

/** Origins register with their heartbeat; a stream's answer says which origin to publish to, and how. */
const urls = (host: string) => ({
  rtmp: `rtmp://${host}:1935/live`,
  rtmps: `rtmps://${host}:443/live`,
  srt: `srt://${host}:9000`,
  whip: `https://${host}:8443/whip/endpoint`,
});

const beat = (origin: 'orig_local' | 'orig_local2', body: unknown) =>
  originCall('/internal/origin/heartbeat', { body, origin });

const age = (origin: string, ms: number) =>
  env.DB.prepare('UPDATE origin_heartbeats SET last_seen_at = last_seen_at - ? WHERE origin_id = ?')
    .bind(ms, origin)
    .run();

describe('origin fleet: ingest URLs in the stream answer', () => {
  it('hands out the least-loaded healthy origin, a live session its own origin, and null when none is up', async () => {
    const { key } = await tenant();
    // No origin has reported its URLs yet.
    const early = await createStream(key.token, { name: 'fleet' });
    expect(early.ingest).toBeNull();

    expect((await beat('orig_local', { publications: 3, ingest: urls('a.example'), cpu: 0.5 })).status).toBe(204);
    expect(
      // An origin older than WHIP sends no `whip`: the answer names it null.
      (
        await beat('orig_local2', {
          publications: 1,
          ingest: { ...urls('b.example'), rtmps: null, whip: undefined },
          cpu: 0.9,
        })
      ).status,
    ).toBe(204);
    const got = await call(`/v1/streams/${early.id}`, { auth: key.token });
    expect(got.json.ingest).toEqual({ origin_id: 'orig_local2', ...urls('b.example'), rtmps: null, whip: null });

    // Same publications: the lower CPU wins.
    await beat('orig_local', { publications: 1, ingest: urls('a.example'), cpu: 0.2 });
    expect((await call(`/v1/streams/${early.id}`, { auth: key.token })).json.ingest).toEqual({
      origin_id: 'orig_local',
      ...urls('a.example'),
    });

    // A live session keeps pointing at its origin, however loaded (a reconnect continues there).
    const live = await createStream(key.token, { name: 'fleet live' });
    expect((await publish(live.stream_key, 'orig_local2')).status).toBe(200);
    expect((await call(`/v1/streams/${live.id}`, { auth: key.token })).json.ingest.origin_id).toBe('orig_local2');
    const page = await call('/v1/streams?limit=10', { auth: key.token });
    const byId = new Map(
      page.json.data.map((s: { id: string; ingest: { origin_id: string } }) => [s.id, s.ingest.origin_id]),
    );
    expect(byId.get(live.id)).toBe('orig_local2');
    expect(byId.get(early.id)).toBe('orig_local');

    // orig_local stops beating: three missed 5 s beats and it is no longer handed out.
    await age('orig_local', 16_000);
    expect((await call(`/v1/streams/${early.id}`, { auth: key.token })).json.ingest.origin_id).toBe('orig_local2');
    await age('orig_local2', 16_000);
    expect((await call(`/v1/streams/${early.id}`, { auth: key.token })).json.ingest).toBeNull();
  });

  it('refuses heartbeats with malformed load or URLs (400, nothing recorded)', async () => {
    for (const body of [
      { publications: 0, ingest: { rtmp: 'http://x.example/live', rtmps: null, srt: null } },
      { publications: 0, ingest: { rtmp: 'rtmp://x.example/live', rtmps: null } },
      { publications: 0, ingest: { rtmp: 'rtmp://x.example/live', rtmps: null, srt: null, whip: 'ftp://x.example/w' } },
      { publications: 0, cpu: -1 },
      { publications: 0, upload_backlog_bytes: 1.5 },
      { publications: 0, extra: true },
    ]) {
      const res = await beat('orig_local', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe('invalid_request');
    }
  });
});
