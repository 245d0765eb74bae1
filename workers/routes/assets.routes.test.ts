import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { createStream, eventTypes, originCall, publish, sessionPath, uploadSegment } from '../test/origin';
import { playbackFixture, playlistUris, viewerToken } from '../test/playback';

/** Every key R2 holds under these prefixes. */
async function r2Keys(...prefixes: string[]) {
  const keys: string[] = [];
  for (const prefix of prefixes) keys.push(...(await env.MEDIA.list({ prefix })).objects.map((o) => o.key));
  return keys;
}

async function assetOf(keyToken: string, streamId: string) {
  const res = await call(`/v1/assets?stream_id=${streamId}`, { auth: keyToken });
  expect(res.status, res.text).toBe(200);
  expect(res.json.data).toHaveLength(1);
  return res.json.data[0];
}

/** Follows master → first media playlist → first segment, as a player does; returns the segment's status. */
async function playFirstSegment(masterPath: string) {
  const master = await call(masterPath);
  expect(master.status, master.text).toBe(200);
  const [mediaPath] = playlistUris(master.text, masterPath);
  const media = await call(mediaPath!);
  expect(media.status, media.text).toBe(200);
  expect(media.text).toContain('#EXT-X-ENDLIST');
  const [segPath] = playlistUris(media.text, mediaPath!.split('?')[0]!).map((u) => u);
  const seg = await call(segPath!);
  return { mediaPath: mediaPath!, segPath: segPath!, status: seg.status };
}

describe('assets: every recorded session becomes one', () => {
  it('is created preparing, becomes ready at the session end, and recording.ready names it', async () => {
    const f = await playbackFixture({ vod: true });
    const asset = await assetOf(f.keyToken, f.streamId);
    expect(asset).toMatchObject({
      id: expect.stringMatching(/^ast_/),
      app_id: f.appId,
      status: 'ready',
      duration: 4,
      renditions: ['720p'],
      source: { type: 'live_session', stream_id: f.streamId, session_id: f.sessionId },
      error: null,
      passthrough: null,
      metadata: {},
    });
    expect(asset.ready_at).toEqual(expect.any(String));
    expect(asset.playback_ids.map((p: { policy: string }) => p.policy).sort()).toEqual(['public', 'signed']);
    // Its own ids, not the stream's.
    for (const p of asset.playback_ids) expect([f.publicPb, f.signedPb]).not.toContain(p.id);
    expect(await eventTypes(asset.id)).toEqual(['asset.created', 'asset.ready']);
    const ready = await call(`/v1/events?type=recording.ready`, { auth: f.keyToken });
    expect(ready.json.data[0].data).toMatchObject({ id: f.sessionId, asset_id: asset.id });
    expect((await call(`/v1/assets/${asset.id}`, { auth: f.keyToken })).json).toEqual(asset);
  });

  it('plays through its own public playback id, and only its own session', async () => {
    const f = await playbackFixture({ vod: true });
    const asset = await assetOf(f.keyToken, f.streamId);
    const pb = asset.playback_ids.find((p: { policy: string }) => p.policy === 'public').id;
    const played = await playFirstSegment(`/hls/${pb}.m3u8`);
    expect(played.mediaPath).toBe(`/hls/${pb}/recordings/${f.sessionId}/720p.m3u8`);
    expect(played.segPath).toBe(`/hls/${pb}/recordings/${f.sessionId}/720p/0.ts`);
    expect(played.status).toBe(200);
    // Not the stream's live tree, nor another session's recording.
    expectError(await call(`/hls/${pb}/${f.sessionId}/720p.m3u8`), 404);
    expectError(await call(`/hls/${pb}/${f.sessionId}/720p/0.ts`), 404);
    expectError(await call(`/hls/${pb}/recordings/lsn_AAAAAAAAAAAAAAAAAAAA.m3u8`), 404);
  });

  it('plays through its signed playback id only with a token for that id', async () => {
    const f = await playbackFixture({ vod: true });
    const asset = await assetOf(f.keyToken, f.streamId);
    const pb = asset.playback_ids.find((p: { policy: string }) => p.policy === 'signed').id;
    expectError(await call(`/hls/${pb}.m3u8`), 401);
    const forStream = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v' });
    expect((await call(`/hls/${pb}.m3u8?token=${forStream}`)).status).toBe(403);
    const token = await viewerToken(f.signing, { sub: pb, aud: 'v' });
    const played = await playFirstSegment(`/hls/${pb}.m3u8?token=${token}`);
    expect(played.status).toBe(200);
    expect(played.segPath).toMatch(/\?g=s\./);
  });

  it('no asset for a session without recording', async () => {
    const f = await playbackFixture({ vod: false });
    await originCall(`${sessionPath(f.streamId, f.sessionId)}/publish-done`, { body: {} });
    const res = await call(`/v1/assets?stream_id=${f.streamId}`, { auth: f.keyToken });
    expect(res.json.data).toEqual([]);
  });

  it('an asset whose session recorded nothing is errored with a reason', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { playback_policies: ['public'], recording: true, reconnect_window: 0 });
    const pub = await publish(s.stream_key);
    const during = await assetOf(t.key.token, s.id);
    expect(during.status).toBe('preparing');
    expectError(await call(`/hls/${during.playback_ids[0].id}.m3u8`), 412, 'asset_not_ready');
    await originCall(`${sessionPath(s.id, pub.json.session_id)}/publish-done`, { body: {} });
    const after = await assetOf(t.key.token, s.id);
    expect(after.status).toBe('errored');
    expect(after.error.reason).toMatch(/^no_media/);
    expect(await eventTypes(after.id)).toEqual(['asset.created', 'asset.errored']);
  });
});

describe('assets API', () => {
  it('updates passthrough and metadata, and refuses unknown fields', async () => {
    const f = await playbackFixture({ vod: true });
    const asset = await assetOf(f.keyToken, f.streamId);
    const res = await call(`/v1/assets/${asset.id}`, {
      method: 'PATCH',
      auth: f.keyToken,
      body: { passthrough: 'order-17', metadata: { show: 'weekly' } },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ passthrough: 'order-17', metadata: { show: 'weekly' }, status: 'ready' });
    expectError(
      await call(`/v1/assets/${asset.id}`, { method: 'PATCH', auth: f.keyToken, body: { status: 'x' } }),
      400,
    );
    expectError(await call('/v1/assets?status=done', { auth: f.keyToken }), 400);
    expectError(await call('/v1/assets?created_after=yesterday', { auth: f.keyToken }), 400);
  });

  it('lists newest first with filters and a cursor', async () => {
    const f = await playbackFixture({ vod: true });
    // A second recorded session of the same stream.
    const s = (await call(`/v1/streams/${f.streamId}`, { auth: f.keyToken })).json;
    const stream = await call('/v1/streams', { auth: f.keyToken, body: { recording: true, reconnect_window: 0 } });
    const pub = await publish(stream.json.stream_key);
    await uploadSegment(stream.json.id, pub.json.session_id, '720p', 0);
    await originCall(`${sessionPath(stream.json.id, pub.json.session_id)}/publish-done`, { body: {} });
    expect(s.id).toBe(f.streamId);

    const all = await call('/v1/assets?limit=1', { auth: f.keyToken });
    expect(all.json.data).toHaveLength(1);
    expect(all.json.data[0].source.stream_id).toBe(stream.json.id);
    const next = await call(`/v1/assets?limit=1&cursor=${all.json.next_cursor}`, { auth: f.keyToken });
    expect(next.json.data[0].source.stream_id).toBe(f.streamId);
    expect(next.json.next_cursor).toBeNull();

    const byStream = await call(`/v1/assets?stream_id=${f.streamId}`, { auth: f.keyToken });
    expect(byStream.json.data).toHaveLength(1);
    expect((await call('/v1/assets?status=ready&source=live_session', { auth: f.keyToken })).json.data).toHaveLength(2);
    expect((await call('/v1/assets?status=errored', { auth: f.keyToken })).json.data).toHaveLength(0);
    expect((await call('/v1/assets?source=upload', { auth: f.keyToken })).json.data).toHaveLength(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await call(`/v1/assets?created_after=${future}`, { auth: f.keyToken })).json.data).toHaveLength(0);
    expect((await call(`/v1/assets?created_before=${future}`, { auth: f.keyToken })).json.data).toHaveLength(2);
  });

  it('adds and removes playback ids', async () => {
    const f = await playbackFixture({ vod: true });
    const asset = await assetOf(f.keyToken, f.streamId);
    const add = await call(`/v1/assets/${asset.id}/playback-ids`, { auth: f.keyToken, body: { policy: 'public' } });
    expect(add.status, add.text).toBe(201);
    expect((await call(`/hls/${add.json.id}.m3u8`)).status).toBe(200);
    const del = await call(`/v1/assets/${asset.id}/playback-ids/${add.json.id}`, {
      method: 'DELETE',
      auth: f.keyToken,
    });
    expect(del.status).toBe(204);
    expectError(await call(`/hls/${add.json.id}.m3u8`), 404);
    // A stream's playback id is not the asset's to delete.
    const other = await call(`/v1/assets/${asset.id}/playback-ids/${f.publicPb}`, {
      method: 'DELETE',
      auth: f.keyToken,
    });
    expectError(other, 404);
  });
});

describe('deleting media', () => {
  it('deleting an asset removes its media from R2, its rows and its playback, with an event', async () => {
    const f = await playbackFixture({ vod: true });
    const asset = await assetOf(f.keyToken, f.streamId);
    const prefixes = [
      `live/${f.streamId}/${f.sessionId}/`,
      `recordings/${f.streamId}/${f.sessionId}/`,
      `thumbnails/${f.streamId}/${f.sessionId}/`,
    ];
    expect((await r2Keys(...prefixes)).length).toBeGreaterThanOrEqual(5);
    const res = await call(`/v1/assets/${asset.id}`, { method: 'DELETE', auth: f.keyToken });
    expect(res.status, res.text).toBe(204);
    expect(await r2Keys(...prefixes)).toEqual([]);
    expectError(await call(`/v1/assets/${asset.id}`, { auth: f.keyToken }), 404);
    expectError(await call(`/hls/${asset.playback_ids[0].id}.m3u8`), 404);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM asset_playback_ids WHERE asset_id = ?')
      .bind(asset.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
    expect(await eventTypes(asset.id)).toEqual(['asset.created', 'asset.ready', 'asset.deleted']);
  });

  it('deleting a stream leaves no object in R2 under it, and takes its assets', async () => {
    const f = await playbackFixture({ vod: true });
    const asset = await assetOf(f.keyToken, f.streamId);
    const prefixes = [`live/${f.streamId}/`, `recordings/${f.streamId}/`, `thumbnails/${f.streamId}/`];
    expect(await r2Keys(`thumbnails/${f.streamId}/latest.jpg`)).toHaveLength(1);
    const res = await call(`/v1/streams/${f.streamId}`, { method: 'DELETE', auth: f.keyToken });
    expect(res.status, res.text).toBe(204);
    expect(await r2Keys(...prefixes)).toEqual([]);
    expectError(await call(`/v1/assets/${asset.id}`, { auth: f.keyToken }), 404);
    expect(await eventTypes(asset.id)).toContain('asset.deleted');
  });
});
