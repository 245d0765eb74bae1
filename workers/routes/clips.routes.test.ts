import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { timedThumbnailKey } from '../../core/media-keys';
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

/** Fails for good any job left queued by an earlier test, so the next lease is this test's own. */
async function drainJobs() {
  for (;;) {
    const l = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    if (l.status === 204) return;
    await originCall(`/internal/media-jobs/${l.json.job.id}/fail`, {
      body: { lease_id: l.json.lease_id, reason: 'test drain', retryable: false },
    });
  }
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

  it('serves poster frames of a clip from its recording, on the clip’s own timeline', async () => {
    const r = await liveRecording(5);
    await r.end();
    const parent = await r.asset();
    // One frame a second, as the origin files them (seconds from the session start).
    for (let t = 0; t < 10; t++) await env.MEDIA.put(timedThumbnailKey(r.s.id, r.sessionId, t), `frame-${t}`);
    const auth = r.t.key.token;
    const clip = (await call(`/v1/assets/${parent.id}/clips`, { auth, body: { start: 3, end: 7 } })).json;
    expect(clip.source).toMatchObject({ start: 2, end: 8 });
    const pb = clip.playback_ids[0].id;
    // The poster is the clip's middle (2 + 6 / 2 s into the recording); ?time= is seconds into the clip.
    const poster = await call(`/thumbnails/${pb}.jpg`);
    expect(poster.status, poster.text).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    expect(poster.text).toBe('frame-5');
    expect((await call(`/thumbnails/${pb}.jpg?time=0`)).text).toBe('frame-2');
    expect((await call(`/thumbnails/${pb}.jpg?time=5.5`)).text).toBe('frame-7');
    // A clip of the clip adds its own start: [2, 4) of the clip is [4, 6) of the recording.
    const sub = (await call(`/v1/assets/${clip.id}/clips`, { auth, body: { start: 2.5, end: 3.5 } })).json;
    expect((await call(`/thumbnails/${sub.playback_ids[0].id}.jpg?time=0`)).text).toBe('frame-4');
    expect((await call(`/thumbnails/${sub.playback_ids[0].id}.jpg`)).text).toBe('frame-5');
    expectError(await call(`/thumbnails/${pb}.jpg?time=-1`), 400);
    // A signed clip id needs a thumbnail token, as every other id.
    const signed = (
      await call(`/v1/assets/${parent.id}/clips`, { auth, body: { start: 0, end: 2, playback_policies: ['signed'] } })
    ).json;
    expectError(await call(`/thumbnails/${signed.playback_ids[0].id}.jpg`), 401, 'token_missing');
  });

  it('frame_accurate: a trim job re-encodes the first and last partial segments and the clip runs the times asked', async () => {
    const r = await liveRecording(5);
    await r.end();
    const parent = await r.asset();
    await drainJobs();
    const auth = r.t.key.token;
    const res = await call(`/v1/assets/${parent.id}/clips`, {
      auth,
      body: { start: 3, end: 7, frame_accurate: true, mp4_support: 'standard' },
    });
    expect(res.status, res.text).toBe(201);
    // Playable at once, segment-accurate, while the job runs; its MP4 waits for the exact cut.
    expect(res.json).toMatchObject({
      status: 'ready',
      duration: 6,
      source: { start: 2, end: 8 },
      frame_accurate: { status: 'preparing', error: null },
      mp4_support: 'standard',
      mp4: null,
    });
    const clip = res.json;
    const pb = clip.playback_ids[0].id;
    expect((await play(pb)).segs.map((u) => u.split('/').pop())).toEqual(['1.ts', '2.ts', '3.ts']);
    expect((await call(`/hls/${pb}/vod/720p.m3u8`)).headers.get('cache-control')).toBe('no-cache');

    const lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(lease.status, lease.text).toBe(200);
    expect(lease.json.job.spec).toEqual({
      kind: 'trim',
      asset_id: clip.id,
      start_s: 3,
      end_s: 7,
      parts: [
        { rendition: '720p', part: 'head', segment: '720p/1.ts', from_s: 1, to_s: 2 },
        { rendition: '720p', part: 'tail', segment: '720p/3.ts', from_s: 0, to_s: 1 },
      ],
    });
    const job = `/internal/media-jobs/${lease.json.job.id}`;
    const q = `lease_id=${lease.json.lease_id}`;
    // It reads the clip's playlist and the two segments it re-encodes, nothing else.
    expect((await originCall(`${job}/input/720p.m3u8?${q}`)).text).toContain('720p/2.ts');
    expect((await originCall(`${job}/input/720p/1.ts?${q}`)).text).toBe(label('720p', 1));
    expectError(await originCall(`${job}/input/720p/2.ts?${q}`), 404);
    expectError(await originCall(`${job}/input/720p/0.ts?${q}`), 404);
    for (const part of ['head', 'tail'])
      expect(
        (await originCall(`${job}/output/720p/${part}.ts?${q}`, { method: 'PUT', raw: `re-${part}` })).status,
      ).toBe(201);
    expectError(await originCall(`${job}/output/720p/2.ts?${q}`, { method: 'PUT', raw: 'x' }), 404);
    expectError(await originCall(`${job}/output/360p/head.ts?${q}`, { method: 'PUT', raw: 'x' }), 404);
    expectError(await originCall(`${job}/complete`, { body: { lease_id: lease.json.lease_id } }), 400);
    const result = {
      parts: [
        { rendition: '720p', part: 'head', duration_s: 1.001 },
        { rendition: '720p', part: 'tail', duration_s: 0.96 },
      ],
    };
    for (
      let i = 0;
      i < 2;
      i++ // a retried complete changes nothing
    )
      expect((await originCall(`${job}/complete`, { body: { lease_id: lease.json.lease_id, result } })).status).toBe(
        204,
      );

    const got = (await call(`/v1/assets/${clip.id}`, { auth })).json;
    expect(got).toMatchObject({
      duration: 3.961,
      source: { start: 3, end: 7 },
      frame_accurate: { status: 'ready', error: null },
      mp4: { status: 'preparing' },
    });
    expect(await eventTypes(clip.id)).toEqual(['asset.created', 'asset.ready', 'asset.frame_accurate.ready']);
    const { segs, bodies } = await play(pb);
    expect(segs.map((u) => u.split('/').pop())).toEqual(['head.ts', '2.ts', 'tail.ts']);
    expect(bodies).toEqual(['re-head', label('720p', 2), 're-tail']);
    // The clip's MP4 is made of the exact cut: its job reads the re-encoded parts.
    const mp4 = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(mp4.json.job.spec).toMatchObject({ kind: 'mp4', asset_id: clip.id });
    const mq = `/internal/media-jobs/${mp4.json.job.id}/input`;
    const ml = `lease_id=${mp4.json.lease_id}`;
    expect((await originCall(`${mq}/playlist.m3u8?${ml}`)).text).toContain('720p/head.ts');
    expect((await originCall(`${mq}/720p/tail.ts?${ml}`)).text).toBe('re-tail');

    // Its re-encoded ends are its own: a clip of it is refused (clip the recording instead).
    expectError(
      await call(`/v1/assets/${clip.id}/clips`, { auth, body: { start: 0, end: 1 } }),
      409,
      'frame_accurate_parent',
    );
    expect((await call(`/v1/assets/${clip.id}`, { method: 'DELETE', auth })).status).toBe(204);
    expect((await env.MEDIA.list({ prefix: `clips/${clip.id}/` })).objects).toEqual([]);
  });

  it('frame_accurate: a trim that fails for good leaves the clip playing segment-accurate', async () => {
    const r = await liveRecording(3);
    await r.end();
    const parent = await r.asset();
    await drainJobs();
    const res = await call(`/v1/assets/${parent.id}/clips`, {
      auth: r.t.key.token,
      body: { start: 0.5, end: 4, frame_accurate: true },
    });
    expect(res.json.frame_accurate).toEqual({ status: 'preparing', error: null });
    const lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(lease.json.job.spec.parts).toEqual([
      { rendition: '720p', part: 'head', segment: '720p/0.ts', from_s: 0.5, to_s: 2 },
    ]);
    const job = `/internal/media-jobs/${lease.json.job.id}`;
    const q = `lease_id=${lease.json.lease_id}`;
    await originCall(`${job}/output/720p/head.ts?${q}`, { method: 'PUT', raw: 'half' });
    await originCall(`${job}/fail`, {
      body: { lease_id: lease.json.lease_id, reason: 'ffmpeg failed: x', retryable: false },
    });
    const got = (await call(`/v1/assets/${res.json.id}`, { auth: r.t.key.token })).json;
    expect(got).toMatchObject({
      duration: 4,
      frame_accurate: { status: 'errored', error: { reason: 'ffmpeg failed: x' } },
    });
    expect(await env.MEDIA.head(`clips/${res.json.id}/720p/head.ts`)).toBeNull();
    expect((await play(res.json.playback_ids[0].id)).bodies).toEqual([0, 1].map((n) => label('720p', n)));
    expect(await eventTypes(res.json.id)).toEqual(['asset.created', 'asset.ready', 'asset.frame_accurate.errored']);
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
