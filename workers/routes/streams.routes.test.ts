import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createApiKey, createApp, expectError, register, tenant, unique } from '../test/helpers';
import { createStream, publish } from '../test/origin';

async function eventsOf(objectId: string) {
  const { results } = await env.DB.prepare(
    'SELECT type, data FROM events WHERE object_id = ? ORDER BY created_at, rowid',
  )
    .bind(objectId)
    .all<{ type: string; data: string }>();
  return results;
}

/** A second member of the tenant's org with the given role, signed in to the console. */
async function member(owner: Awaited<ReturnType<typeof tenant>>['acct'], role: 'viewer' | 'developer') {
  const name = unique(role);
  const inv = await call(`/v1/orgs/${owner.orgId}/invitations`, {
    auth: owner.token,
    body: { email: `${name}@example.com`, role },
  });
  expect(inv.status, inv.text).toBe(201);
  const acct = await register(name);
  const accepted = await call('/v1/invitations/accept', { auth: acct.token, body: { token: inv.json.token } });
  expect(accepted.status, accepted.text).toBe(200);
  return acct;
}

describe('streams API', () => {
  it('creates a stream with defaults, reads it back by key and by console session, and lists it', async () => {
    const { acct, app, key } = await tenant();
    const s = await createStream(key.token, { name: 'Launch', playback_policies: ['public', 'signed'] });
    expect(s).toMatchObject({
      app_id: app.id,
      name: 'Launch',
      status: 'idle',
      latency_mode: 'standard',
      recording: false,
      reconnect_window: 60,
      ladder: ['source', '720p', '480p', '360p'],
      metadata: {},
      room_id: expect.stringMatching(/^room_/),
      current_session: null,
      disabled_at: null,
    });
    expect(s.id).toMatch(/^str_/);
    expect(s.stream_key).toMatch(/^lsk_[0-9A-Za-z]{40}$/);
    expect(s.playback_ids.map((p) => p.policy).sort()).toEqual(['public', 'signed']);

    const byKey = await call(`/v1/streams/${s.id}`, { auth: key.token });
    expect(byKey.status).toBe(200);
    expect(byKey.json).toEqual(s);
    const bySession = await call(`/v1/apps/${app.id}/streams/${s.id}`, { auth: acct.token });
    expect(bySession.json.stream_key).toBe(s.stream_key);

    const list = await call('/v1/streams?limit=10', { auth: key.token });
    expect(list.json.data.map((x: { id: string }) => x.id)).toEqual([s.id]);
    expect((await call('/v1/streams?status=active', { auth: key.token })).json.data).toEqual([]);
    expect((await call(`/v1/streams/${s.id}/sessions`, { auth: key.token })).json).toEqual({
      data: [],
      next_cursor: null,
    });
  });

  it('pages the list with a cursor', async () => {
    const { key } = await tenant();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createStream(key.token, { name: `s${i}` })).id);
    const first = await call('/v1/streams?limit=2', { auth: key.token });
    expect(first.json.data).toHaveLength(2);
    const second = await call(`/v1/streams?limit=2&cursor=${first.json.next_cursor}`, { auth: key.token });
    expect(second.json.next_cursor).toBeNull();
    expect([...first.json.data, ...second.json.data].map((x: { id: string }) => x.id).sort()).toEqual(ids.sort());
  });

  it('updates settings, metadata and ladder (sorted source first), and records events without the key', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token);
    const res = await call(`/v1/streams/${s.id}`, {
      method: 'PATCH',
      auth: key.token,
      body: {
        name: 'Renamed',
        latency_mode: 'low',
        recording: true,
        reconnect_window: 1800,
        ladder: ['240p', 'source', '1080p'],
        metadata: { show: 'weekly' },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({
      name: 'Renamed',
      latency_mode: 'low',
      recording: true,
      reconnect_window: 1800,
      ladder: ['source', '1080p', '240p'],
      metadata: { show: 'weekly' },
    });
    expect(res.json.updated_at >= (s.updated_at as string)).toBe(true);

    const events = await eventsOf(s.id);
    expect(events.map((e) => e.type)).toEqual(['stream.created', 'stream.updated']);
    for (const e of events) expect(e.data).not.toContain(s.stream_key);
    const { results: audit } = await env.DB.prepare('SELECT details FROM audit_log WHERE resource_id = ?')
      .bind(s.id)
      .all<{ details: string | null }>();
    for (const a of audit) expect(a.details ?? '').not.toContain(s.stream_key);
  });

  it('refuses values out of range and malformed ladders with 400', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token);
    for (const body of [
      { reconnect_window: 1801 },
      { reconnect_window: -1 },
      { reconnect_window: 1.5 },
      { latency_mode: 'ultra' },
      { ladder: [] },
      { ladder: ['720p', '720p'] },
      { ladder: ['4k'] },
      { ladder: 'source' },
      { name: '' },
      { metadata: { k: 5 } },
      { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
    ]) {
      expectError(await call('/v1/streams', { auth: key.token, body }), 400, 'invalid_request');
      expectError(
        await call(`/v1/streams/${s.id}`, { method: 'PATCH', auth: key.token, body }),
        400,
        'invalid_request',
      );
    }
  });

  it("enforces the app's max_quality with a clear 400 and caps the default ladder", async () => {
    const { acct, app, key } = await tenant();
    const set = await call(`/v1/apps/${app.id}`, {
      method: 'PATCH',
      auth: acct.token,
      body: { settings: { max_quality: '480p' } },
    });
    expect(set.status, set.text).toBe(200);

    const tooHigh = await call('/v1/streams', { auth: key.token, body: { ladder: ['720p', '480p'] } });
    expectError(tooHigh, 400, 'quality_above_app_maximum');
    expect(tooHigh.json.error.details).toEqual({ max_quality: '480p', refused: ['720p'] });
    expect(tooHigh.json.error.message).toContain('480p');
    const source = await call('/v1/streams', { auth: key.token, body: { ladder: ['source', '360p'] } });
    expectError(source, 400, 'quality_above_app_maximum');
    expect(source.json.error.message).toContain('source');

    const s = await createStream(key.token);
    expect(s.ladder).toEqual(['480p', '360p']);
    expect((await createStream(key.token, { ladder: ['480p', '240p'] })).ladder).toEqual(['480p', '240p']);
    expectError(
      await call(`/v1/streams/${s.id}`, { method: 'PATCH', auth: key.token, body: { ladder: ['1080p'] } }),
      400,
      'quality_above_app_maximum',
    );
  });

  it('takes the 1440p and 2160p rungs only from an app whose max_quality allows them', async () => {
    const { acct, app, key } = await tenant();
    const setMax = (max_quality: string) =>
      call(`/v1/apps/${app.id}`, { method: 'PATCH', auth: acct.token, body: { settings: { max_quality } } });
    expect((await setMax('1080p')).status).toBe(200);
    const tall = await call('/v1/streams', { auth: key.token, body: { ladder: ['2160p', '1440p', '720p'] } });
    expectError(tall, 400, 'quality_above_app_maximum');
    expect(tall.json.error.details).toEqual({ max_quality: '1080p', refused: ['2160p', '1440p'] });

    const set = await setMax('2160p');
    expect(set.status, set.text).toBe(200);
    expect(set.json.settings.max_quality).toBe('2160p');
    const s = await createStream(key.token, { ladder: ['720p', '2160p', '1440p', '1080p'] });
    expect(s.ladder).toEqual(['2160p', '1440p', '1080p', '720p']);
    // The tallest rung as the cap caps nothing: the passthrough stays allowed, and in the default.
    expect((await createStream(key.token, { ladder: ['source', '2160p'] })).ladder).toEqual(['source', '2160p']);
    expect((await createStream(key.token)).ladder).toEqual(['source', '720p', '480p', '360p']);
    // The publish answer hands the origin each tall rung's size and bitrate.
    const answer = await publish(s.stream_key);
    expect(answer.status, answer.text).toBe(200);
    const rung = (name: string) => answer.json.ladder.find((r: { name: string }) => r.name === name);
    expect(rung('2160p')).toMatchObject({ width: 3840, height: 2160, video_bitrate_kbps: 18000 });
    expect(rung('1440p')).toMatchObject({ width: 2560, height: 1440, video_bitrate_kbps: 9500 });

    expect((await setMax('1440p')).status).toBe(200);
    expectError(
      await call(`/v1/streams/${s.id}`, { method: 'PATCH', auth: key.token, body: { ladder: ['2160p'] } }),
      400,
      'quality_above_app_maximum',
    );
    expect((await createStream(key.token, { ladder: ['1440p', '480p'] })).ladder).toEqual(['1440p', '480p']);
  });

  it('resets the stream key: the new key publishes, the old one is refused', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token);
    const res = await call(`/v1/streams/${s.id}/reset-stream-key`, { method: 'POST', auth: key.token });
    expect(res.status).toBe(200);
    expect(res.json.stream_key).toMatch(/^lsk_/);
    expect(res.json.stream_key).not.toBe(s.stream_key);
    expectError(await publish(s.stream_key), 403, 'unknown_stream_key');
    expect((await publish(res.json.stream_key)).status).toBe(200);
    expect((await eventsOf(s.id)).map((e) => e.type)).toContain('stream.key_reset');
  });

  it('disables and enables a stream', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token);
    const off = await call(`/v1/streams/${s.id}/disable`, { method: 'POST', auth: key.token });
    expect(off.json).toMatchObject({ status: 'disabled', disabled_at: expect.any(String) });
    expect((await call('/v1/streams?status=disabled', { auth: key.token })).json.data).toHaveLength(1);
    expectError(await publish(s.stream_key), 403, 'stream_disabled');
    const on = await call(`/v1/streams/${s.id}/enable`, { method: 'POST', auth: key.token });
    expect(on.json).toMatchObject({ status: 'idle', disabled_at: null });
    expect((await publish(s.stream_key)).status).toBe(200);
    expect((await eventsOf(s.id)).map((e) => e.type)).toEqual([
      'stream.created',
      'stream.disabled',
      'stream.updated',
      'stream.active',
    ]);
  });

  it('manages playback ids', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token);
    const pub = await call(`/v1/streams/${s.id}/playback-ids`, { auth: key.token, body: { policy: 'public' } });
    expect(pub.status).toBe(201);
    expect(pub.json).toMatchObject({ id: expect.stringMatching(/^pb_/), policy: 'public' });
    const signed = await call(`/v1/streams/${s.id}/playback-ids`, { auth: key.token, body: { policy: 'signed' } });
    expect((await call(`/v1/streams/${s.id}/playback-ids`, { auth: key.token })).json.data).toHaveLength(2);
    expect((await call(`/v1/streams/${s.id}/playback-ids/${signed.json.id}`, { auth: key.token })).json.policy).toBe(
      'signed',
    );
    expect(
      (await call(`/v1/streams/${s.id}/playback-ids/${pub.json.id}`, { method: 'DELETE', auth: key.token })).status,
    ).toBe(204);
    expectError(await call(`/v1/streams/${s.id}/playback-ids/${pub.json.id}`, { auth: key.token }), 404);
    expectError(
      await call(`/v1/streams/${s.id}/playback-ids/${pub.json.id}`, { method: 'DELETE', auth: key.token }),
      404,
    );
    expect(
      (await call(`/v1/streams/${s.id}`, { auth: key.token })).json.playback_ids.map((p: { id: string }) => p.id),
    ).toEqual([signed.json.id]);
    expectError(await call(`/v1/streams/${s.id}/playback-ids`, { auth: key.token, body: { policy: 'private' } }), 400);
  });

  it('deletes a stream: gone from the API, its key refused, an event recorded', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token, { playback_policies: ['public'] });
    expect((await call(`/v1/streams/${s.id}`, { method: 'DELETE', auth: key.token })).status).toBe(204);
    expectError(await call(`/v1/streams/${s.id}`, { auth: key.token }), 404, 'not_found');
    expectError(await call(`/hls/${s.playback_ids[0]!.id}.m3u8`), 404);
    expectError(await publish(s.stream_key), 403);
    const deleted = (await eventsOf(s.id)).find((e) => e.type === 'stream.deleted');
    expect(JSON.parse(deleted!.data)).toMatchObject({ id: s.id, status: 'deleted', stream_key: null });
  });
});

describe('streams API: roles and tenants', () => {
  it('lets a console viewer read (without the key) but not write', async () => {
    const { acct, app, key } = await tenant();
    const s = await createStream(key.token);
    const viewer = await member(acct, 'viewer');
    const read = await call(`/v1/apps/${app.id}/streams/${s.id}`, { auth: viewer.token });
    expect(read.status).toBe(200);
    expect(read.json.stream_key).toBeNull();
    expect((await call(`/v1/apps/${app.id}/streams`, { auth: viewer.token })).json.data[0].stream_key).toBeNull();
    expectError(await call(`/v1/apps/${app.id}/streams`, { auth: viewer.token, body: {} }), 403, 'forbidden');
    for (const [method, path, body] of [
      ['PATCH', `/${s.id}`, { name: 'x' }],
      ['DELETE', `/${s.id}`, undefined],
      ['POST', `/${s.id}/reset-stream-key`, undefined],
      ['POST', `/${s.id}/disable`, undefined],
      ['POST', `/${s.id}/playback-ids`, { policy: 'public' }],
    ] as const) {
      expectError(
        await call(`/v1/apps/${app.id}/streams${path}`, { method, auth: viewer.token, body }),
        403,
        'forbidden',
      );
    }
    const dev = await member(acct, 'developer');
    expect((await call(`/v1/apps/${app.id}/streams/${s.id}`, { auth: dev.token })).json.stream_key).toBe(s.stream_key);
    expect(
      (await call(`/v1/apps/${app.id}/streams/${s.id}`, { method: 'PATCH', auth: dev.token, body: { name: 'dev' } }))
        .status,
    ).toBe(200);
  });

  it("answers 404 for another org's session and another app's key", async () => {
    const a = await tenant();
    const s = await createStream(a.key.token, { playback_policies: ['public'] });
    const other = await tenant();
    const sameOrgApp = await createApp(a.acct);
    const sameOrgKey = await createApiKey(a.acct, sameOrgApp.id);

    for (const auth of [other.key.token, sameOrgKey.token]) {
      for (const [method, path] of [
        ['GET', ''],
        ['PATCH', ''],
        ['DELETE', ''],
        ['POST', '/reset-stream-key'],
        ['POST', '/disable'],
        ['POST', '/enable'],
        ['GET', '/sessions'],
        ['GET', '/playback-ids'],
        ['GET', `/playback-ids/${s.playback_ids[0]!.id}`],
        ['DELETE', `/playback-ids/${s.playback_ids[0]!.id}`],
      ] as const) {
        const body = method === 'PATCH' ? { name: 'stolen' } : undefined;
        expectError(await call(`/v1/streams/${s.id}${path}`, { method, auth, body }), 404, 'not_found');
      }
      expect((await call('/v1/streams', { auth })).json.data).toEqual([]);
    }
    expectError(await call(`/v1/apps/${a.app.id}/streams/${s.id}`, { auth: other.acct.token }), 404);
    expectError(await call(`/v1/apps/${other.app.id}/streams/${s.id}`, { auth: other.acct.token }), 404);
    // A console session cannot use the API-key paths, and a key cannot reach another app's console path.
    expectError(await call(`/v1/streams/${s.id}`, { auth: a.acct.token }), 403);
    expectError(await call(`/v1/apps/${a.app.id}/streams/${s.id}`, { auth: other.key.token }), 404);
    expect((await call(`/v1/streams/${s.id}`, { auth: a.key.token })).json.name).not.toBe('stolen');
  });

  it('answers bad input with the 4xx envelope, never a 5xx', async () => {
    const { key } = await tenant();
    const s = await createStream(key.token);
    const cases: { path: string; method: string; raw?: string; body?: unknown; headers?: Record<string, string> }[] = [
      { path: '/v1/streams', method: 'POST', raw: '{"name": ', headers: { 'content-type': 'application/json' } },
      {
        path: '/v1/streams',
        method: 'POST',
        raw: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      { path: '/v1/streams', method: 'POST', raw: '[1,2]', headers: { 'content-type': 'application/json' } },
      { path: '/v1/streams', method: 'POST', raw: 'null', headers: { 'content-type': 'application/json' } },
      { path: '/v1/streams', method: 'POST', body: { name: 5 } },
      { path: '/v1/streams', method: 'POST', body: { recording: 'yes' } },
      { path: '/v1/streams', method: 'POST', body: { reconnect_window: '60' } },
      { path: '/v1/streams', method: 'POST', body: { stream_key: 'mine' } },
      { path: '/v1/streams', method: 'POST', body: { status: 'active' } },
      { path: '/v1/streams', method: 'POST', body: { playback_policies: 'public' } },
      { path: `/v1/streams/${s.id}`, method: 'PATCH', body: { id: 'str_x' } },
      { path: `/v1/streams/${s.id}`, method: 'PATCH', raw: '{', headers: { 'content-type': 'application/json' } },
      { path: '/v1/streams?limit=0', method: 'GET' },
      { path: '/v1/streams?limit=abc', method: 'GET' },
      { path: '/v1/streams?cursor=not-a-cursor', method: 'GET' },
      { path: '/v1/streams?status=live', method: 'GET' },
      { path: `/v1/streams/${s.id}/sessions?cursor=%%%`, method: 'GET' },
      { path: `/v1/streams/${s.app_id}`, method: 'GET' },
      { path: '/v1/streams/str_', method: 'GET' },
      { path: `/v1/streams/${`str_${'a'.repeat(70)}`}`, method: 'GET' },
      { path: '/v1/streams/..%2F..%2Fapps', method: 'GET' },
      { path: `/v1/streams/${s.id}/playback-ids/${s.id}`, method: 'GET' },
      { path: `/v1/streams/${s.id}/playback-ids/key_abcdefghij`, method: 'DELETE' },
      { path: `/v1/streams/${s.id}/nope`, method: 'GET' },
      { path: '/hls/not-a-playback.m3u8', method: 'GET' },
      { path: `/hls/${s.id}.m3u8`, method: 'GET' },
      { path: '/hls/pb_abcdefghijkl/lsn_abcdefghijkl/4k.m3u8', method: 'GET' },
      { path: '/hls/pb_abcdefghijkl/lsn_abcdefghijkl/720p/-1.ts', method: 'GET' },
    ];
    for (const k of cases) {
      const res = await call(k.path, {
        method: k.method,
        auth: key.token,
        raw: k.raw,
        body: k.body,
        headers: k.headers,
      });
      expect(res.status, `${k.method} ${k.path}: ${res.text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${k.method} ${k.path}: ${res.text}`).toBeLessThan(500);
      expectError(res, res.status);
    }
  });
});
