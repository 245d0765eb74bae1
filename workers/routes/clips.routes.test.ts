import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { createStream, eventTypes, fakeSegment, originCall, publish, sessionPath, uploadSegment } from '../test/origin';
import { playlistUris } from '../test/playback';

/**
 * Instant clips (issue 14): a clip of a recording by start/end, a clip of a clip, and a live clip of
 * the last seconds while the stream is live. Each is a `ready` asset at once whose playlists name
 * its parent's segments (the same bytes, no copy), opens nothing outside its range, and goes
 * when the recording it plays is deleted.
 */

type Json = Record<string, any>;

/** A recording stream, live, with `n` 2 s segments of 720p. */
async function liveRecording(n: number, opts: Json = {}) {
  const t = await tenant();
  const s = await createStream(t.key.token, {
    playback_policies: ['public'],
    recording: true,
    reconnect_window: 0,
    ...opts,
  });
  const pub = await publish(s.stream_key);
  const sessionId = pub.json.session_id as string;
  for (let i = 0; i < n; i++) await uploadSegment(s.id, sessionId, '720p', i);
  const end = () => originCall(`${sessionPath(s.id, sessionId)}/publish-done`, { body: {} });
  const asset = async () =>
    (await call(`/v1/assets?stream_id=${s.id}&source=live_session`, { auth: t.key.token })).json.data[0] as Json;
  return { t, s, sessionId, end, asset };
}

/** Plays a clip as a player would; answers the segment URIs of its media playlist and each one's bytes. */
async function play(pb: string) {
  const master = await call(`/hls/${pb}.m3u8`);
  expect(master.status, master.text).toBe(200);
  const [media] = playlistUris(master.text, `/hls/${pb}.m3u8`);
  expect(media).toBe(`/hls/${pb}/vod/720p.m3u8`);
  const list = await call(media!);
  expect(list.status, list.text).toBe(200);
  expect(list.text).toContain('#EXT-X-ENDLIST');
  const segs = playlistUris(list.text, media!);
  const bodies: string[] = [];
  for (const u of segs) {
    const r = await call(u);
    expect(r.status, u).toBe(200);
    bodies.push(r.text);
  }
  return { segs, bodies };
}

const label = (rendition: string, n: number) => new TextDecoder().decode(fakeSegment(`${rendition}-${n}`));

describe('clips', () => {
  it('cuts a recording by start and end on segment boundaries; the clip plays its parent segments at once', async () => {
    const r = await liveRecording(5);
    await r.end();
    const parent = await r.asset();
    expect(parent.status).toBe('ready');
    const res = await call(`/v1/assets/${parent.id}/clips`, {
      auth: r.t.key.token,
      body: { start: 3, end: 7, passthrough: 'highlight' },
    });
    expect(res.status, res.text).toBe(201);
    const clip = res.json;
    expect(clip).toMatchObject({
      id: expect.stringMatching(/^ast_/),
      status: 'ready',
      duration: 6,
      renditions: ['720p'],
      source: { type: 'clip', parent_asset_id: parent.id, start: 2, end: 8 },
      passthrough: 'highlight',
    });
    expect(clip.playback_ids.map((p: Json) => p.policy)).toEqual(['public']);
    expect(await eventTypes(clip.id)).toEqual(['asset.created', 'asset.ready']);
    const pb = clip.playback_ids[0].id;
    const { segs, bodies } = await play(pb);
    expect(segs.map((u) => u.split('/').slice(-2).join('/'))).toEqual(['720p/1.ts', '720p/2.ts', '720p/3.ts']);
    expect(bodies).toEqual([1, 2, 3].map((n) => label('720p', n)));
    // Nothing outside the range is reachable through the clip, nor the recording's own tree.
    expectError(await call(`/hls/${pb}/vod/720p/0.ts`), 404);
    expectError(await call(`/hls/${pb}/vod/720p/4.ts`), 404);
    expectError(await call(`/hls/${pb}/recordings/${r.sessionId}/720p.m3u8`), 404);
    expect(await call(`/v1/assets?source=clip`, { auth: r.t.key.token })).toMatchObject({
      json: { data: [{ id: clip.id }] },
    });

    // A clip of the clip: seconds of the clip's own timeline, the same parent media.
    const sub = await call(`/v1/assets/${clip.id}/clips`, { auth: r.t.key.token, body: { start: 2.5, end: 3.5 } });
    expect(sub.status, sub.text).toBe(201);
    expect(sub.json).toMatchObject({ duration: 2, source: { parent_asset_id: clip.id, start: 2, end: 4 } });
    expect((await play(sub.json.playback_ids[0].id)).bodies).toEqual([label('720p', 2)]);

    // Deleting the recording takes its clips (and their playlists in R2) with it.
    expect((await call(`/v1/assets/${parent.id}`, { method: 'DELETE', auth: r.t.key.token })).status).toBe(204);
    for (const id of [clip.id, sub.json.id]) {
      expectError(await call(`/v1/assets/${id}`, { auth: r.t.key.token }), 404);
      expect(await eventTypes(id)).toEqual(['asset.created', 'asset.ready', 'asset.deleted']);
      expect((await env.MEDIA.list({ prefix: `clips/${id}/` })).objects).toEqual([]);
    }
    expectError(await call(`/hls/${pb}.m3u8`), 404);
  });

  it('clips the last seconds of a live stream while it is live', async () => {
    const r = await liveRecording(6);
    const res = await call(`/v1/streams/${r.s.id}/clips`, { auth: r.t.key.token, body: { seconds_back: 4 } });
    expect(res.status, res.text).toBe(201);
    const parent = await r.asset();
    expect(parent.status).toBe('preparing');
    expect(res.json).toMatchObject({
      status: 'ready',
      duration: 4,
      source: { type: 'clip', parent_asset_id: parent.id, start: 8, end: 12 },
    });
    const { bodies } = await play(res.json.playback_ids[0].id);
    expect(bodies).toEqual([4, 5].map((n) => label('720p', n)));

    // The live recording can be clipped by start and end too (its session so far).
    const early = await call(`/v1/assets/${parent.id}/clips`, { auth: r.t.key.token, body: { start: 0, end: 3 } });
    expect(early.status, early.text).toBe(201);
    expect((await play(early.json.playback_ids[0].id)).bodies).toEqual([0, 1].map((n) => label('720p', n)));

    // Still playing after the session ended and the recording was written.
    await r.end();
    expect((await play(res.json.playback_ids[0].id)).bodies).toHaveLength(2);
    expectError(
      await call(`/v1/streams/${r.s.id}/clips`, { auth: r.t.key.token, body: { seconds_back: 4 } }),
      412,
      'stream_not_active',
    );
  });

  it('refuses what cannot be clipped, and another app’s assets are not found', async () => {
    const r = await liveRecording(2, { recording: false });
    expectError(
      await call(`/v1/streams/${r.s.id}/clips`, { auth: r.t.key.token, body: { seconds_back: 4 } }),
      409,
      'recording_off',
    );
    const rec = await liveRecording(2);
    await rec.end();
    const parent = await rec.asset();
    const clip = (body: Json, auth = rec.t.key.token) => call(`/v1/assets/${parent.id}/clips`, { auth, body });
    expectError(await clip({ start: 3, end: 3 }), 400, 'invalid_range');
    expectError(await clip({ start: 10, end: 20 }), 400, 'invalid_range');
    expectError(await clip({ start: -1, end: 2 }), 400);
    expectError(await clip({ start: 0, end: 2, extra: true }), 400);
    expectError(await clip({ start: 0, end: 2 }, r.t.key.token), 404);
    expectError(await call(`/v1/streams/${rec.s.id}/clips`, { auth: r.t.key.token, body: { seconds_back: 4 } }), 404);
    expect((await call(`/v1/assets?source=clip`, { auth: rec.t.key.token })).json.data).toEqual([]);
  });
});
