import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { PART_SIZE } from '../services/tus-store';
import { call, expectError, tenant } from '../test/helpers';
import { originCall } from '../test/origin';

/**
 * Direct uploads through their tus endpoint (tus 1.0.0 core, creation, expiration, termination)
 * into an R2 multipart upload, and on to a transcode job and a playable asset. Bodies are cut at
 * odd sizes so parts and the waiting tail are both exercised; refusals store nothing.
 */
const TUS = { 'tus-resumable': '1.0.0' };
const b64 = (s: string) => btoa(s);

function bytes(n: number, seed = 7): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function r2Keys(prefix: string) {
  return (await env.MEDIA.list({ prefix })).objects.map((o) => o.key);
}

async function newUpload(body: Record<string, unknown> = {}) {
  const t = await tenant();
  const res = await call('/v1/uploads', { auth: t.key.token, body });
  expect(res.status, res.text).toBe(201);
  const path = new URL(res.json.url).pathname;
  return { t, upload: res.json, path };
}

async function create(path: string, length: number, meta = `filename ${b64('clip.mp4')},filetype ${b64('video/mp4')}`) {
  return call(path, { method: 'POST', headers: { ...TUS, 'upload-length': String(length), 'upload-metadata': meta } });
}

const patch = (path: string, offset: number, body: Uint8Array, headers: Record<string, string> = {}) =>
  call(path, {
    method: 'PATCH',
    raw: body,
    headers: { ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset), ...headers },
  });

describe('direct uploads (tus)', () => {
  it('takes a file in odd-sized PATCHes, resumes from HEAD, and becomes an asset that plays once transcoded', async () => {
    const { t, upload, path } = await newUpload({
      new_asset_settings: { ladder: ['360p'], playback_policies: ['public'] },
    });
    expect(upload).toMatchObject({ id: expect.stringMatching(/^upl_/), status: 'waiting', offset: 0, asset_id: null });
    expect(Date.parse(upload.expires_at)).toBeGreaterThan(Date.now());

    const options = await call(path, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('tus-version')).toBe('1.0.0');
    expect(options.headers.get('tus-extension')).toBe('creation,expiration,termination');

    const file = bytes(2 * PART_SIZE + 12345);
    const created = await create(path, file.byteLength);
    expect(created.status, created.text).toBe(201);
    expect(new URL(created.headers.get('location')!).pathname).toBe(path);
    expect(created.headers.get('upload-expires')).toEqual(expect.any(String));

    const cuts = [3 * 1024 * 1024, PART_SIZE + 1000, file.byteLength];
    let at = 0;
    for (const cut of cuts) {
      // A resuming client asks where to go on from.
      const head = await call(path, { method: 'HEAD', headers: TUS });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('upload-offset'))).toBe(at);
      expect(Number(head.headers.get('upload-length'))).toBe(file.byteLength);
      expect(head.headers.get('cache-control')).toBe('no-store');
      const res = await patch(path, at, file.slice(at, cut));
      expect(res.status, res.text).toBe(204);
      expect(Number(res.headers.get('upload-offset'))).toBe(cut);
      at = cut;
    }

    const done = await call(`/v1/uploads/${upload.id}`, { auth: t.key.token });
    expect(done.json).toMatchObject({ status: 'asset_created', offset: file.byteLength, length: file.byteLength });
    const source = await env.MEDIA.get(`uploads/${upload.id}/source`);
    expect(new Uint8Array(await source!.arrayBuffer())).toEqual(file);
    expect(await r2Keys(`uploads/${upload.id}/tail`)).toEqual([]);

    const assetId = done.json.asset_id;
    const asset = await call(`/v1/assets/${assetId}`, { auth: t.key.token });
    expect(asset.json).toMatchObject({ status: 'preparing', source: { type: 'upload' } });

    // The media worker's side: lease, read the source, upload the tree, complete.
    const lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(lease.json.job.spec).toMatchObject({
      kind: 'transcode',
      asset_id: assetId,
      input: { type: 'upload' },
      ladder: ['360p'],
    });
    const { id } = lease.json.job;
    const q = `lease_id=${lease.json.lease_id}`;
    const input = await originCall(`/internal/media-jobs/${id}/input/source?${q}`);
    expect(input.status, input.text).toBe(200);
    expect(input.text.length).toBeGreaterThan(0);
    const put = (file: string, body: string) =>
      originCall(`/internal/media-jobs/${id}/output/${file}?${q}`, { method: 'PUT', raw: body });
    expect((await put('360p/0.ts', 'segment-zero')).status).toBe(201);
    expect(
      (await put('360p.m3u8', '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:4.0,\n360p/0.ts\n#EXT-X-ENDLIST\n')).status,
    ).toBe(201);
    expect((await put('360p/evil.js', 'x')).status).toBe(404);
    // Without its master the asset is not ready; the master goes last.
    expect((await put('master.m3u8', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000\n360p.m3u8\n')).status).toBe(201);
    const complete = await originCall(`/internal/media-jobs/${id}/complete`, {
      body: { lease_id: lease.json.lease_id, result: { duration_s: 4, width: 640, height: 360, renditions: ['360p'] } },
    });
    expect(complete.status, complete.text).toBe(204);

    const ready = await call(`/v1/assets/${assetId}`, { auth: t.key.token });
    expect(ready.json).toMatchObject({ status: 'ready', duration: 4, resolution: '640x360', renditions: ['360p'] });
    const pb = ready.json.playback_ids[0].id;
    const master = await call(`/hls/${pb}.m3u8`);
    expect(master.status, master.text).toBe(200);
    expect(master.text).toContain(`${pb}/vod/360p.m3u8`);
    const media = await call(`/hls/${pb}/vod/360p.m3u8`);
    expect(media.text).toContain('360p/0.ts');
    const seg = await call(`/hls/${pb}/vod/360p/0.ts`);
    expect(seg.status).toBe(200);
    expect(seg.text).toBe('segment-zero');
    expect((await call(`/hls/${pb}/vod/720p.m3u8`)).status).toBe(404);
    expect((await call(`/embed/${pb}`)).status).toBe(200);

    // Its MP4 (issue 14): the same media job as a recording's, read from its own tree, downloaded with ranges.
    const patched = await call(`/v1/assets/${assetId}`, {
      method: 'PATCH',
      auth: t.key.token,
      body: { mp4_support: 'standard' },
    });
    expect(patched.json.mp4).toMatchObject({ status: 'preparing', rendition: '360p' });
    const mp4Lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(mp4Lease.json.job.spec).toMatchObject({ kind: 'mp4', asset_id: assetId });
    const mq = `lease_id=${mp4Lease.json.lease_id}`;
    const mp4Id = mp4Lease.json.job.id;
    expect((await originCall(`/internal/media-jobs/${mp4Id}/input/playlist.m3u8?${mq}`)).text).toContain('360p/0.ts');
    expect((await originCall(`/internal/media-jobs/${mp4Id}/input/360p/0.ts?${mq}`)).text).toBe('segment-zero');
    const mp4 = new Uint8Array(600).map((_, i) => i % 200);
    expect((await originCall(`/internal/media-jobs/${mp4Id}/output?${mq}`, { method: 'PUT', raw: mp4 })).status).toBe(
      201,
    );
    expect(
      (await originCall(`/internal/media-jobs/${mp4Id}/complete`, { body: { lease_id: mp4Lease.json.lease_id } }))
        .status,
    ).toBe(204);
    const dl = await call(`/downloads/${pb}/highest.mp4`);
    expect(dl.status, dl.text).toBe(200);
    expect(dl.headers.get('content-length')).toBe('600');
    const range = await call(`/downloads/${pb}/highest.mp4`, { headers: { range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe('bytes 10-19/600');

    // A clip of the upload plays the upload's own segment.
    const clip = await call(`/v1/assets/${assetId}/clips`, { auth: t.key.token, body: { start: 0, end: 2 } });
    expect(clip.status, clip.text).toBe(201);
    const clipPb = clip.json.playback_ids[0].id;
    expect((await call(`/hls/${clipPb}/vod/360p.m3u8`)).text).toContain('360p/0.ts');
    expect((await call(`/hls/${clipPb}/vod/360p/0.ts`)).text).toBe('segment-zero');

    // Deleting the asset deletes its tree and the uploaded bytes (and its clip).
    expect((await call(`/v1/assets/${assetId}`, { method: 'DELETE', auth: t.key.token })).status).toBe(204);
    expect((await call(`/v1/assets/${clip.json.id}`, { auth: t.key.token })).status).toBe(404);
    expect([...(await r2Keys(`downloads/${assetId}/`)), ...(await r2Keys(`clips/${clip.json.id}/`))]).toEqual([]);
    expect(await r2Keys(`vod/${assetId}/`)).toEqual([]);
    expect(await r2Keys(`uploads/${upload.id}/`)).toEqual([]);
  });

  it('answers bad requests the way tus says and stores nothing for them', async () => {
    const { path, upload, t } = await newUpload({ max_size_bytes: 1000, cors_origin: 'https://creator.example' });
    expectError(await create(path, 1001), 413, 'upload_too_large');
    expectError(await create(path, 10, `filetype ${b64('image/png')}`), 415);
    expectError(await call(path, { method: 'POST', headers: { 'upload-length': '10' } }), 412);
    const foreign = await call(path, {
      method: 'POST',
      headers: { ...TUS, 'upload-length': '10', origin: 'https://elsewhere.example' },
    });
    expectError(foreign, 403, 'origin_not_allowed');
    expect(foreign.headers.get('access-control-allow-origin')).toBe('https://creator.example');
    // PATCH before creation: there is no resource yet.
    expectError(await patch(path, 0, bytes(10)), 404);

    expect((await create(path, 100)).status).toBe(201);
    expectError(await create(path, 100), 409, 'upload_exists');
    expectError(await patch(path, 5, bytes(10)), 409, 'offset_mismatch');
    expectError(await patch(path, 0, bytes(10), { 'content-type': 'application/octet-stream' }), 415);
    expectError(await patch(path, 0, bytes(101)), 413, 'upload_too_large');
    expect((await patch(path, 0, bytes(40))).status).toBe(204);
    // Past the declared length from where it stands: refused, the offset unchanged.
    expectError(await patch(path, 40, bytes(61)), 413);
    const head = await call(path, { method: 'HEAD', headers: TUS });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('40');

    // Termination deletes what was stored; the URL is gone.
    expect((await call(path, { method: 'DELETE', headers: TUS })).status).toBe(204);
    expect(await r2Keys(`uploads/${upload.id}/`)).toEqual([]);
    expect((await call(path, { method: 'HEAD', headers: TUS })).status).toBe(404);
    expect((await call(`/v1/uploads/${upload.id}`, { auth: t.key.token })).json.status).toBe('cancelled');
    // Another tenant's upload is not found.
    const other = await tenant();
    expectError(await call(`/v1/uploads/${upload.id}`, { auth: other.key.token }), 404);
  });

  it('an expired upload answers 410 and its bytes are deleted', async () => {
    const { path, upload } = await newUpload();
    expect((await create(path, 50)).status).toBe(201);
    expect((await patch(path, 0, bytes(20))).status).toBe(204);
    expect(await r2Keys(`uploads/${upload.id}/`)).toEqual([`uploads/${upload.id}/tail`]);
    await env.DB.prepare('UPDATE uploads SET expires_at = ? WHERE id = ?')
      .bind(Date.now() - 1, upload.id)
      .run();
    expectError(await patch(path, 20, bytes(30)), 410, 'upload_gone');
    expect(await r2Keys(`uploads/${upload.id}/`)).toEqual([]);
    expect((await call(path, { method: 'HEAD', headers: TUS })).status).toBe(410);
  });

  it('a file that is not video: the asset errors with the reason and its bytes are deleted', async () => {
    const { path, upload, t } = await newUpload();
    expect((await create(path, 64)).status).toBe(201);
    expect((await patch(path, 0, bytes(64))).status).toBe(204);
    const assetId = (await call(`/v1/uploads/${upload.id}`, { auth: t.key.token })).json.asset_id;
    let lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    while (lease.json.job.spec.asset_id !== assetId) {
      await originCall(`/internal/media-jobs/${lease.json.job.id}/fail`, {
        body: { lease_id: lease.json.lease_id, reason: 'test drain', retryable: false },
      });
      lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    }
    const fail = await originCall(`/internal/media-jobs/${lease.json.job.id}/fail`, {
      body: {
        lease_id: lease.json.lease_id,
        reason: 'Error: not_video: the file has no video stream',
        retryable: false,
      },
    });
    expect(fail.json).toEqual({ retried: false });
    const asset = await call(`/v1/assets/${assetId}`, { auth: t.key.token });
    expect(asset.json).toMatchObject({
      status: 'errored',
      error: { reason: 'not_video: the file has no video stream' },
    });
    expect(await r2Keys(`uploads/${upload.id}/`)).toEqual([]);
  });
});
