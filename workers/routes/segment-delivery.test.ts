import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, call } from '../test/helpers';
import { playbackFixture, playlistUris } from '../test/playback';

/** Segments over HTTP: the Cache API in front of R2, byte ranges, ETags, HEAD, CORS. */

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  exports.default.fetch(new Request(`${BASE}${path}`, { method, headers }));

describe('segment delivery', () => {
  it('reads R2 once and then serves every viewer from the cache, whatever their grant', async () => {
    const f = await playbackFixture();
    const path = `/hls/${f.publicPb}/${f.sessionId}/720p/0.ts`;
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-edgelive-cache')).toBe('MISS');
    const body = new Uint8Array(await first.arrayBuffer());
    // The cache fill runs after the response (waitUntil); give it a moment.
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 5; i++) {
      const again = await get(path);
      expect(again.headers.get('x-edgelive-cache')).toBe('HIT');
      expect(new Uint8Array(await again.arrayBuffer())).toEqual(body);
    }
    // The signed id of the same stream shares the copy: the cache key has no id, token or grant.
    const { viewerToken } = await import('../test/playback');
    const token = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v' });
    const signed = await get(`/hls/${f.signedPb}/${f.sessionId}/720p/0.ts?token=${token}`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('x-edgelive-cache')).toBe('HIT');
  });

  it('answers ranges with 206 and Content-Range, and refuses one past the end with 416', async () => {
    const f = await playbackFixture();
    const path = `/hls/${f.publicPb}/${f.sessionId}/720p/1.ts`;
    const whole = new Uint8Array(await (await get(path)).arrayBuffer());
    const size = whole.byteLength;
    const part = await get(path, { range: 'bytes=188-375' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 188-375/${size}`);
    expect(part.headers.get('content-length')).toBe('188');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(whole.slice(188, 376));
    const tail = await get(path, { range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 100}-${size - 1}/${size}`);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(whole.slice(size - 100));
    const open = await get(path, { range: 'bytes=700-' });
    expect(open.headers.get('content-range')).toBe(`bytes 700-${size - 1}/${size}`);
    await open.arrayBuffer();
    const past = await get(path, { range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    // Several ranges: the whole body, which RFC 9110 allows.
    const multi = await get(path, { range: 'bytes=0-1,5-6' });
    expect(multi.status).toBe(200);
    expect((await multi.arrayBuffer()).byteLength).toBe(size);
  });

  it('revalidates with ETags, answers HEAD without a body, and speaks CORS', async () => {
    const f = await playbackFixture();
    const path = `/hls/${f.publicPb}/${f.sessionId}/720p/0.ts`;
    const res = await get(path);
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('Content-Range');
    await res.arrayBuffer();
    const notModified = await get(path, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    const changed = await get(path, { 'if-none-match': '"something-else"' });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
    const head = await get(path, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await head.text()).toBe('');
    const preflight = await get(
      path,
      {
        origin: 'https://customer.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'range',
      },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('range');

    // Playlists: ETag and If-None-Match too, and the live cache lifetime of the latency mode.
    const media = await call(`/hls/${f.publicPb}/${f.sessionId}/720p.m3u8`);
    expect(media.headers.get('cache-control')).toBe('public, max-age=1');
    const again = await get(`/hls/${f.publicPb}/${f.sessionId}/720p.m3u8`, {
      'if-none-match': media.headers.get('etag')!,
    });
    expect(again.status).toBe(304);
  });

  it('serves a recording with long-lived playlists', async () => {
    const f = await playbackFixture({ vod: true });
    const masterPath = `/hls/${f.publicPb}/recordings/${f.sessionId}.m3u8`;
    const master = await call(masterPath);
    expect(master.status, master.text).toBe(200);
    expect(master.headers.get('cache-control')).toBe('public, max-age=86400');
    const [mediaPath] = playlistUris(master.text, masterPath);
    expect(mediaPath).toBe(`/hls/${f.publicPb}/recordings/${f.sessionId}/720p.m3u8`);
    const media = await call(mediaPath!);
    expect(media.text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(media.headers.get('cache-control')).toBe('public, max-age=86400');
    // Its segments are the live ones' R2 objects, and the same cached copy.
    const [segPath] = playlistUris(media.text, mediaPath!);
    expect(segPath).toBe(`/hls/${f.publicPb}/recordings/${f.sessionId}/720p/0.ts`);
    const seg = await get(segPath!);
    expect(seg.status).toBe(200);
    expect(seg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await seg.arrayBuffer();
    // The session's master at its old URL is sent on to the recording's.
    const old = await exports.default.fetch(
      new Request(`${BASE}/hls/${f.publicPb}/${f.sessionId}.m3u8`, { redirect: 'manual' }),
    );
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(masterPath);
  });

  it('shares one R2 read between viewers asking for the same segment at once', async () => {
    const f = await playbackFixture();
    const path = `/hls/${f.publicPb}/${f.sessionId}/720p/1.ts`;
    const all = await Promise.all(Array.from({ length: 12 }, () => get(path)));
    const kinds = await Promise.all(
      all.map(async (r) => {
        await r.arrayBuffer();
        return r.headers.get('x-edgelive-cache');
      }),
    );
    expect(kinds.filter((k) => k === 'MISS')).toHaveLength(1);
    expect(all.every((r) => r.status === 200)).toBe(true);
  });
});
