import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { previewUrl } from '../services/input-preview.service';
import { call, expectError, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath } from '../test/origin';

const inputs = (streamId: string) => `/v1/streams/${streamId}/inputs`;

async function streamOf() {
  const t = await tenant();
  const s = await createStream(t.key.token, { name: 'cameras' });
  return { ...t, s };
}

const eventTypes = async (objectId: string) =>
  (
    await env.DB.prepare('SELECT type FROM events WHERE object_id = ? ORDER BY created_at, rowid')
      .bind(objectId)
      .all<{ type: string }>()
  ).results.map((r) => r.type);

describe('stream inputs API', () => {
  it("lists the stream's own key as its primary input, adds inputs with keys of their own (sealed at rest), deletes them", async () => {
    const { key, s } = await streamOf();
    const first = await call(inputs(s.id), { auth: key.token });
    expect(first.status, first.text).toBe(200);
    expect(first.json.data).toHaveLength(1);
    const primary = first.json.data[0];
    expect(primary).toMatchObject({ primary: true, stream_key: s.stream_key, on_air: true, status: 'disconnected' });
    expect(primary.id).toMatch(/^inp_/);

    const created = await call(inputs(s.id), { auth: key.token, body: { name: 'Camera 2' } });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ name: 'Camera 2', primary: false, on_air: false, status: 'disconnected' });
    expect(created.json.id).toMatch(/^inp_/);
    expect(created.json.stream_key).toMatch(/^lsk_[0-9A-Za-z]{40}$/);
    expect(created.json.stream_key).not.toBe(s.stream_key);
    const stored = await env.DB.prepare('SELECT * FROM stream_inputs WHERE id = ?')
      .bind(created.json.id)
      .first<Record<string, string>>();
    expect(JSON.stringify(stored)).not.toContain(created.json.stream_key);
    expect(stored!.stream_key_sealed).toMatch(/^enc:v1:/);

    const got = await call(`${inputs(s.id)}/${created.json.id}`, { auth: key.token });
    expect(got.json.stream_key).toBe(created.json.stream_key);
    expect((await call(inputs(s.id), { auth: key.token })).json.data).toHaveLength(2);

    expectError(
      await call(`${inputs(s.id)}/${primary.id}`, { method: 'DELETE', auth: key.token }),
      409,
      'primary_input',
    );
    expect((await call(`${inputs(s.id)}/${created.json.id}`, { method: 'DELETE', auth: key.token })).status).toBe(204);
    expectError(await call(`${inputs(s.id)}/${created.json.id}`, { auth: key.token }), 404, 'not_found');
  });

  it("tells every input where to publish: its origin's RTMP, RTMPS, SRT and WHIP URLs, each with the input's own key", async () => {
    const { key, s } = await streamOf();
    const urls = {
      rtmp: 'rtmp://cams.example:1935/live',
      rtmps: 'rtmps://cams.example:443/live',
      srt: 'srt://cams.example:9000',
      whip: 'https://cams.example:8443/whip/endpoint',
    };
    const beat = await originCall('/internal/origin/heartbeat', {
      body: { publications: 0, ingest: urls, cpu: 0.1 },
      origin: 'orig_local',
    });
    expect(beat.status, beat.text).toBe(204);
    const cam = await call(inputs(s.id), { auth: key.token, body: { name: 'Camera 2' } });
    expect(cam.json.ingest).toEqual({ origin_id: 'orig_local', ...urls });
    const all = (await call(inputs(s.id), { auth: key.token })).json.data as { ingest: unknown; stream_key: string }[];
    expect(all).toHaveLength(2);
    for (const i of all) expect(i.ingest).toEqual({ origin_id: 'orig_local', ...urls });
    expect(new Set(all.map((i) => i.stream_key)).size).toBe(2);
    expect((await call(`${inputs(s.id)}/${cam.json.id}`, { auth: key.token })).json.ingest).toEqual({
      origin_id: 'orig_local',
      ...urls,
    });
  });

  it('refuses bad input with 4xx and another stream’s input on switch; caps inputs at 8', async () => {
    const { key, s } = await streamOf();
    const other = await createStream(key.token, { name: 'other' });
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'a', extra: 1 }])
      expectError(await call(inputs(s.id), { auth: key.token, body }), 400, 'invalid_request');
    const foreign = await call(inputs(other.id), { auth: key.token, body: { name: 'Other cam' } });
    expectError(
      await call(`/v1/streams/${s.id}/switch`, { auth: key.token, body: { input_id: foreign.json.id } }),
      400,
      'input_of_other_stream',
    );
    expectError(
      await call(`/v1/streams/${s.id}/switch`, { auth: key.token, body: { input_id: 'inp_nothere123' } }),
      400,
    );
    const cam = await call(inputs(s.id), { auth: key.token, body: { name: 'Cam' } });
    expectError(
      await call(`/v1/streams/${s.id}/switch`, { auth: key.token, body: { input_id: cam.json.id } }),
      409,
      'input_not_connected',
    );
    for (let i = 0; i < 6; i++)
      expect((await call(inputs(s.id), { auth: key.token, body: { name: `c${i}` } })).status).toBe(201);
    expectError(await call(inputs(s.id), { auth: key.token, body: { name: 'ninth' } }), 409, 'limit_reached');
    expectError(
      await call(`/v1/streams/${s.id}/program`, { method: 'PATCH', auth: key.token, body: { failover_after_s: 0 } }),
      400,
    );
  });

  it('publishes on each input key: the second joins the live session; switching and failover follow the program', async () => {
    const { key, s } = await streamOf();
    const cam2 = (await call(inputs(s.id), { auth: key.token, body: { name: 'Camera 2' } })).json;
    const primaryId = (await call(inputs(s.id), { auth: key.token })).json.data.find(
      (i: { primary: boolean }) => i.primary,
    ).id;

    const a = await publish(s.stream_key);
    expect(a.status, a.text).toBe(200);
    expect(a.json).toMatchObject({ input_id: primaryId, joined: false, program_input_id: primaryId });
    // The same camera twice is a second publisher: refused, as before inputs existed.
    expectError(await publish(s.stream_key), 409, 'stream_live');
    const b = await publish(cam2.stream_key);
    expect(b.status, b.text).toBe(200);
    expect(b.json).toMatchObject({
      session_id: a.json.session_id,
      input_id: cam2.id,
      joined: true,
      program_input_id: primaryId,
    });
    // Another origin may not join a session this one runs.
    expectError(await publish(cam2.stream_key, 'orig_local2'), 409, 'stream_live');

    const program = `${sessionPath(s.id, a.json.session_id)}/program`;
    expect((await originCall(program)).json).toMatchObject({ program_input_id: primaryId, auto_failover: false });
    expect((await originCall(program, { origin: 'orig_local2' })).status).toBe(409);

    const cut = await call(`/v1/streams/${s.id}/switch`, { auth: key.token, body: { input_id: cam2.id } });
    expect(cut.status, cut.text).toBe(200);
    expect(cut.json).toMatchObject({ on_air_input_id: cam2.id });
    expect((await originCall(program)).json.program_input_id).toBe(cam2.id);
    const listed = (await call(inputs(s.id), { auth: key.token })).json.data;
    expect(listed.find((i: { id: string }) => i.id === cam2.id)).toMatchObject({ on_air: true, status: 'connected' });

    // The on-air camera drops; the origin fails over to the primary one and says so.
    const patched = await call(`/v1/streams/${s.id}/program`, {
      method: 'PATCH',
      auth: key.token,
      body: { auto_failover: true, failover_after_s: 2 },
    });
    expect(patched.json).toMatchObject({ auto_failover: true, failover_after_s: 2 });
    const gone = await originCall(`${sessionPath(s.id, a.json.session_id)}/inputs/${cam2.id}/disconnected`, {
      body: {},
    });
    expect(gone.json).toMatchObject({ program_input_id: cam2.id, auto_failover: true, failover_after_s: 2 });
    const failed = await originCall(`${sessionPath(s.id, a.json.session_id)}/switch`, {
      body: { input_id: primaryId, reason: 'failover' },
    });
    expect(failed.status, failed.text).toBe(200);
    expect(failed.json.program_input_id).toBe(primaryId);
    // Failing over to an input that is not connected is refused.
    expect(
      (
        await originCall(`${sessionPath(s.id, a.json.session_id)}/switch`, {
          body: { input_id: cam2.id, reason: 'failover' },
        })
      ).status,
    ).toBe(404);

    expect(await eventTypes(cam2.id)).toEqual(['stream.input.connected', 'stream.input.disconnected']);
    const switched = await env.DB.prepare(
      "SELECT data FROM events WHERE object_id = ? AND type = 'stream.input_switched' ORDER BY created_at, rowid",
    )
      .bind(s.id)
      .all<{ data: string }>();
    expect(switched.results.map((r) => JSON.parse(r.data).reason)).toEqual(['api', 'failover']);

    // A preview frame per input, readable by the stream's owner only.
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const thumb = `${sessionPath(s.id, a.json.session_id)}/inputs/${primaryId}/thumbnail`;
    expect((await originCall(thumb, { raw: jpeg, method: 'POST' })).status).toBe(204);
    expect((await originCall(thumb, { raw: new Uint8Array([1, 2, 3]), method: 'POST' })).status).toBe(400);
    const read = await call(`${inputs(s.id)}/${primaryId}/thumbnail.jpg`, { auth: key.token });
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toBe('image/jpeg');
  });

  it("serves each input's preview rung as signed HLS: a sliding window, grants that open only that input", async () => {
    const { key, s } = await streamOf();
    const cam2 = (await call(inputs(s.id), { auth: key.token, body: { name: 'Camera 2' } })).json;
    const other = await streamOf();
    const a = await publish(s.stream_key);
    expect((await publish(cam2.stream_key)).status).toBe(200);
    const put = (local: number, body: Uint8Array, input = cam2.id, duration = 2) =>
      originCall(
        `${sessionPath(s.id, a.json.session_id)}/inputs/${input}/preview?local=${local}&duration=${duration}`,
        {
          raw: body,
          method: 'PUT',
        },
      );
    // A TS packet starts with 0x47; the test tells segments apart by their second byte.
    const seg = (i: number) => new Uint8Array([0x47, i, 0, 0x10]);

    // Nothing yet: no preview to play (the console shows the input's still frame), and the
    // playlist a URL would name is 404 too.
    expectError(await call(`${inputs(s.id)}/${cam2.id}/preview`, { auth: key.token }), 404, 'not_found');
    const early = await previewUrl(
      env.PLAYBACK_GRANT_SECRET,
      'http://127.0.0.1',
      cam2.id,
      Math.floor(Date.now() / 1000),
    );
    const earlyUrl = new URL(early.url);
    expectError(await call(earlyUrl.pathname + earlyUrl.search), 404, 'not_found');

    for (let i = 10; i < 17; i++) expect((await put(i, seg(i))).status).toBe(204);
    const pv = await call(`${inputs(s.id)}/${cam2.id}/preview`, { auth: key.token });
    expect(pv.status, pv.text).toBe(200);
    expect(pv.json.expires_at).toBeGreaterThan(Date.now() / 1000 + 3000);
    const url = new URL(pv.json.url);
    expect(url.pathname).toBe(`/previews/${cam2.id}.m3u8`);
    // The ladder restarted (the camera reconnected): its numbers start over, the playlist says so.
    expect((await put(3, seg(3))).status).toBe(204);
    const pl = await call(url.pathname + url.search);
    expect(pl.status, pl.text).toBe(200);
    expect(pl.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const lines = pl.text.trim().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:3',
    ]);
    const uris = lines.filter((l) => !l.startsWith('#'));
    expect(uris.map((u) => u.split('?')[0])).toEqual([3, 4, 5, 6, 7].map((n) => `${cam2.id}/${n}.ts`));
    expect(lines.at(-3)).toBe('#EXT-X-DISCONTINUITY');
    // Each segment URL works on its own (its grant), and holds what the origin sent.
    const last = await call(`/previews/${uris.at(-1)}`);
    expect(last.status).toBe(200);
    expect(last.headers.get('content-type')).toBe('video/mp2t');
    const first = await exports.default.fetch(new Request(`http://127.0.0.1/previews/${uris[0]}`));
    expect([...new Uint8Array(await first.arrayBuffer()).slice(0, 2)]).toEqual([0x47, 13]);
    // Slid out of the window: gone from storage.
    expect(await env.MEDIA.get(`previews/${cam2.id}/2.ts`)).toBeNull();

    // The grant opens only this input, and only with its signature; no grant is 403.
    const g = url.searchParams.get('g')!;
    expectError(
      await call(`/previews/${s.id.replace('str_', 'inp_')}.m3u8?g=${encodeURIComponent(g)}`),
      403,
      'forbidden',
    );
    expectError(await call(`/previews/${cam2.id}.m3u8?g=${encodeURIComponent(`${g.slice(0, -2)}AA`)}`), 403);
    expectError(await call(`/previews/${cam2.id}.m3u8`), 403);
    // A segment grant does not open the playlist.
    const segGrant = new URL(`http://x/${uris[0]}`).searchParams.get('g')!;
    expectError(await call(`/previews/${cam2.id}.m3u8?g=${encodeURIComponent(segGrant)}`), 403);

    // Bad uploads are 4xx: not TS, a bad duration, another stream's input; another tenant cannot ask for the URL.
    expectError(await put(20, new Uint8Array([1, 2, 3])), 400);
    expectError(await put(20, seg(20), cam2.id, 0), 400);
    const foreign = (await call(inputs(other.s.id), { auth: other.key.token, body: { name: 'Elsewhere' } })).json;
    expectError(await put(20, seg(20), foreign.id), 404);
    expectError(await call(`${inputs(s.id)}/${cam2.id}/preview`, { auth: other.key.token }), 404);
  });
});
