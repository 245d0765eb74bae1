import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { createStream, originCall, publish } from '../test/origin';

const targets = (streamId: string) => `/v1/streams/${streamId}/simulcast-targets`;

async function streamOf() {
  const t = await tenant();
  const s = await createStream(t.key.token, { name: 'simulcast' });
  return { ...t, s };
}

const eventTypes = async (objectId: string) =>
  (
    await env.DB.prepare('SELECT type FROM events WHERE object_id = ? ORDER BY created_at, rowid')
      .bind(objectId)
      .all<{ type: string }>()
  ).results.map((r) => r.type);

describe('simulcast targets API', () => {
  it('creates, lists, gets, updates and deletes; the key is sealed at rest and never returned', async () => {
    const { key, s } = await streamOf();
    const created = await call(targets(s.id), {
      auth: key.token,
      body: { url: 'rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl-mnop', name: 'YouTube' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({
      stream_id: s.id,
      name: 'YouTube',
      url: 'rtmp://a.rtmp.youtube.com/live2',
      stream_key_set: true,
      enabled: true,
      status: 'idle',
      last_error: null,
      next_retry_at: null,
    });
    expect(created.json.id).toMatch(/^sim_/);
    expect(created.text).not.toContain('abcd-efgh');

    const stored = await env.DB.prepare('SELECT * FROM simulcast_targets WHERE id = ?')
      .bind(created.json.id)
      .first<Record<string, string>>();
    expect(JSON.stringify(stored)).not.toContain('abcd-efgh');
    expect(stored!.stream_key_sealed).toMatch(/^enc:v1:/);

    const listed = await call(targets(s.id), { auth: key.token });
    expect(listed.json.data.map((t: { id: string }) => t.id)).toEqual([created.json.id]);
    expect(listed.json.next_cursor).toBeNull();
    const got = await call(`${targets(s.id)}/${created.json.id}`, { auth: key.token });
    expect(got.status).toBe(200);
    expect(got.text).not.toContain('abcd-efgh');

    const patched = await call(`${targets(s.id)}/${created.json.id}`, {
      method: 'PATCH',
      auth: key.token,
      body: { enabled: false, name: 'YT', stream_key: 'new-key-1234' },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json).toMatchObject({ enabled: false, name: 'YT', url: 'rtmp://a.rtmp.youtube.com/live2' });
    const revision = await env.DB.prepare('SELECT revision FROM simulcast_targets WHERE id = ?')
      .bind(created.json.id)
      .first<number>('revision');
    expect(revision).toBe(2);

    const del = await call(`${targets(s.id)}/${created.json.id}`, { method: 'DELETE', auth: key.token });
    expect(del.status).toBe(204);
    expectError(await call(`${targets(s.id)}/${created.json.id}`, { auth: key.token }), 404, 'not_found');
    expect(await eventTypes(created.json.id)).toEqual(['simulcast_target.created', 'simulcast_target.deleted']);
  });

  it('refuses bad URLs, missing and oversized keys with 400, and changes nothing', async () => {
    const { key, s } = await streamOf();
    const bad: Record<string, unknown>[] = [
      { url: 'https://example.com/live/key' },
      { url: 'srt://example.com:9000' },
      { url: 'not a url' },
      { url: 'rtmp://example.com' },
      { url: 'rtmp://user:pw@example.com/live/key' },
      { url: 'rtmp://example.com/live/key?x=1' },
      { url: 'rtmp://example.com/live' },
      { url: 'rtmp://example.com/live', stream_key: 'k'.repeat(513) },
      { url: 'rtmp://example.com/live', stream_key: 'a/b' },
      { url: 'rtmp://example.com/live/key', extra: true },
    ];
    for (const body of bad) {
      const res = await call(targets(s.id), { auth: key.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expectError(res, 400);
    }
    expect((await call(targets(s.id), { auth: key.token })).json.data).toEqual([]);
  });

  it('pushes a chosen rung when `rendition` is set: stored, handed to the origin, a change bumps the revision', async () => {
    const { key, s } = await streamOf();
    const created = await call(targets(s.id), {
      auth: key.token,
      body: { url: 'rtmp://example.com/live', stream_key: 'k-rung', rendition: '720p' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ rendition: '720p' });
    const bad = await call(targets(s.id), {
      auth: key.token,
      body: { url: 'rtmp://example.com/live', stream_key: 'k', rendition: '4k' },
    });
    expectError(bad, 400);
    const one = `${targets(s.id)}/${created.json.id}`;
    expectError(await call(one, { auth: key.token, method: 'PATCH', body: { rendition: 'source' } }), 400);
    const pub = await publish(s.stream_key);
    const path = `/internal/origin/streams/${s.id}/sessions/${pub.json.session_id}/simulcast-targets`;
    expect((await originCall(path)).json.targets).toEqual([
      { id: created.json.id, push_url: 'rtmp://example.com/live/k-rung', revision: 1, rendition: '720p' },
    ]);
    // Back to the source, copied: a new revision, so a live origin restarts that push only.
    const back = await call(one, { auth: key.token, method: 'PATCH', body: { rendition: null } });
    expect(back.status, back.text).toBe(200);
    expect(back.json.rendition).toBeNull();
    expect((await originCall(path)).json.targets[0]).toMatchObject({ revision: 2, rendition: null });
  });

  it('caps a stream at 10 targets with a 409', async () => {
    const { key, s } = await streamOf();
    for (let i = 0; i < 10; i++) {
      const res = await call(targets(s.id), { auth: key.token, body: { url: `rtmp://example.com/live/k${i}` } });
      expect(res.status, res.text).toBe(201);
    }
    expectError(
      await call(targets(s.id), { auth: key.token, body: { url: 'rtmp://example.com/live/k10' } }),
      409,
      'limit_reached',
    );
  });

  it("another app's stream or target answers 404", async () => {
    const a = await streamOf();
    const b = await streamOf();
    const t = await call(targets(a.s.id), { auth: a.key.token, body: { url: 'rtmp://example.com/live/k' } });
    expectError(await call(targets(a.s.id), { auth: b.key.token }), 404);
    expectError(await call(`${targets(b.s.id)}/${t.json.id}`, { auth: b.key.token }), 404);
    // A target of one stream under another stream of the same app is not found either.
    const other = await createStream(a.key.token, { name: 'other' });
    expectError(await call(`${targets(other.id)}/${t.json.id}`, { auth: a.key.token }), 404);
  });
});

describe('simulcast targets, the origin side', () => {
  it('hands the live session its enabled targets with keys, and only to the origin running it', async () => {
    const { key, s } = await streamOf();
    const on = await call(targets(s.id), {
      auth: key.token,
      body: { url: 'rtmp://example.com/live', stream_key: 'k-on' },
    });
    await call(targets(s.id), { auth: key.token, body: { url: 'rtmp://example.com/app/k-off', enabled: false } });
    const pub = await publish(s.stream_key);
    expect(pub.status, pub.text).toBe(200);
    const path = `/internal/origin/streams/${s.id}/sessions/${pub.json.session_id}/simulcast-targets`;
    const listed = await originCall(path);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json).toEqual({
      targets: [{ id: on.json.id, push_url: 'rtmp://example.com/live/k-on', revision: 1, rendition: null }],
    });
    expect((await originCall(path, { origin: 'orig_local2' })).status).toBe(409);
  });

  it('records status reports as the target status, events in order, and ignores reports of an old revision', async () => {
    const { key, s } = await streamOf();
    const t = await call(targets(s.id), { auth: key.token, body: { url: 'rtmp://example.com/live/k' } });
    const path = `/internal/origin/streams/${s.id}/simulcast-targets/${t.json.id}/status`;
    const retry = new Date(Date.now() + 2000).toISOString();
    for (const body of [
      { status: 'starting', revision: 1 },
      { status: 'errored', revision: 1, error: 'Connection refused', next_retry_at: retry },
      { status: 'starting', revision: 1 },
      { status: 'broadcasting', revision: 1 },
      { status: 'broadcasting', revision: 1 },
    ]) {
      const res = await originCall(path, { body });
      expect(res.status, res.text).toBe(204);
    }
    const errored = await call(`${targets(s.id)}/${t.json.id}`, { auth: key.token });
    expect(errored.json).toMatchObject({ status: 'broadcasting', last_error: null, next_retry_at: null });
    await call(`${targets(s.id)}/${t.json.id}`, { method: 'PATCH', auth: key.token, body: { enabled: false } });
    expect((await originCall(path, { body: { status: 'errored', revision: 1, error: 'late' } })).status).toBe(204);
    expect((await call(`${targets(s.id)}/${t.json.id}`, { auth: key.token })).json.status).toBe('broadcasting');
    // The disabled target's push stops under the revision it ran: that idle counts.
    expect((await originCall(path, { body: { status: 'idle', revision: 1 } })).status).toBe(204);
    expect((await call(`${targets(s.id)}/${t.json.id}`, { auth: key.token })).json.status).toBe('idle');
    expect(await eventTypes(t.json.id)).toEqual([
      'simulcast_target.created',
      'simulcast_target.starting',
      'simulcast_target.errored',
      'simulcast_target.starting',
      'simulcast_target.broadcasting',
      'simulcast_target.idle',
    ]);
    expect((await originCall(path, { body: { status: 'sideways', revision: 2 } })).status).toBe(400);
  });
});
