import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, call, expectError, tenant } from '../test/helpers';
import { createStream, fakeSegment, originCall, publish, sessionPath, uploadSegment } from '../test/origin';

async function live(body: Record<string, unknown> = {}) {
  const t = await tenant();
  const s = await createStream(t.key.token, { playback_policies: ['public'], ...body });
  const pub = await publish(s.stream_key);
  return { ...t, s, pb: s.playback_ids[0]!.id, sessionId: pub.json.session_id as string };
}

const attrs = (line: string) =>
  Object.fromEntries([...line.matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g)].map((m) => [m[1], m[2]!.replace(/"/g, '')]));

describe('HLS delivery', () => {
  it('serves a master playlist of the renditions that have segments, with measured attributes', async () => {
    const { s, pb, sessionId } = await live({ ladder: ['source', '720p', '360p'] });
    const res0 = await call(`/hls/${pb}.m3u8`);
    expectError(res0, 412, 'stream_not_active');

    await originCall(`${sessionPath(s.id, sessionId)}/renditions/720p`, {
      method: 'PUT',
      body: {
        bandwidth: 3_100_000,
        average_bandwidth: 2_600_000,
        resolution: '1280x720',
        codecs: 'avc1.64001f,mp4a.40.2',
        frame_rate: 30,
      },
    });
    await uploadSegment(s.id, sessionId, '720p', 0);
    await uploadSegment(s.id, sessionId, '360p', 0, { bytes: fakeSegment('x', 100), duration: 2 });

    const res = await call(`/hls/${pb}.m3u8`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(res.headers.get('cache-control')).toBe('public, max-age=1');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('#EXTM3U');
    const infs = lines.filter((l) => l.startsWith('#EXT-X-STREAM-INF:'));
    expect(infs).toHaveLength(2);
    expect(attrs(infs[0]!)).toEqual({
      BANDWIDTH: '3100000',
      'AVERAGE-BANDWIDTH': '2600000',
      RESOLUTION: '1280x720',
      'FRAME-RATE': '30.000',
      CODECS: 'avc1.64001f,mp4a.40.2',
    });
    // Not measured by the origin yet: estimated from the bytes produced (18,800 bytes in 2 s).
    expect(attrs(infs[1]!)).toEqual({ BANDWIDTH: String(18_800 * 4), 'AVERAGE-BANDWIDTH': String(18_800 * 4) });
    expect(lines.filter((l) => !l.startsWith('#'))).toEqual([
      `${pb}/${sessionId}/720p.m3u8`,
      `${pb}/${sessionId}/360p.m3u8`,
    ]);
  });

  it('serves media playlists and segments whose relative URIs resolve, with the right headers', async () => {
    const { s, pb, sessionId } = await live();
    const bytes = fakeSegment('segment zero');
    await uploadSegment(s.id, sessionId, '480p', 0, { bytes });
    const master = await call(`/hls/${pb}.m3u8`);
    const mediaUrl = new URL(master.text.trim().split('\n').pop()!, `${BASE}/hls/${pb}.m3u8`);
    const media = await call(mediaUrl.pathname);
    expect(media.status).toBe(200);
    expect(media.headers.get('cache-control')).toBe('public, max-age=1');
    expect(media.text).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    const segUrl = new URL(media.text.trim().split('\n').pop()!, mediaUrl);
    expect(segUrl.pathname).toBe(`/hls/${pb}/${sessionId}/480p/0.ts`);

    const seg = await exports.default.fetch(new Request(segUrl));
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/mp2t');
    expect(seg.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(seg.headers.get('etag')).toBeTruthy();
    expect(new Uint8Array(await seg.arrayBuffer())).toEqual(bytes);

    const head = await exports.default.fetch(new Request(segUrl, { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(await head.text()).toBe('');
    const headPlaylist = await exports.default.fetch(new Request(mediaUrl, { method: 'HEAD' }));
    expect(headPlaylist.status).toBe(200);
    expect(headPlaylist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(await headPlaylist.text()).toBe('');
  });

  it('refuses what it cannot serve without caching the refusal', async () => {
    const { key, s, pb, sessionId } = await live();
    await uploadSegment(s.id, sessionId, '720p', 0);
    expectError(await call(`/hls/${pb}/${sessionId}/720p/1.ts`), 404);
    expectError(await call(`/hls/${pb}/${sessionId}/1080p.m3u8`), 404);
    expectError(await call(`/hls/${pb}/lsn_abcdefghijklmnopqrst/720p.m3u8`), 404);
    const missing = await call('/hls/pb_abcdefghijklmnopqrst.m3u8');
    expectError(missing, 404);
    expect(missing.headers.get('cache-control')).toBe('no-store');

    const signed = await call(`/v1/streams/${s.id}/playback-ids`, { auth: key.token, body: { policy: 'signed' } });
    // Signed ids need a token (the policy matrix in playback-policy.test.ts covers the rest).
    expectError(await call(`/hls/${signed.json.id}.m3u8`), 401, 'token_missing');
    expectError(await call(`/hls/${signed.json.id}/${sessionId}/720p/0.ts`), 401, 'token_missing');

    // Another stream's playback id cannot reach this stream's segments.
    const other = await live();
    expectError(await call(`/hls/${other.pb}/${sessionId}/720p/0.ts`), 404);

    await call(`/v1/streams/${s.id}/disable`, { method: 'POST', auth: key.token });
    expectError(await call(`/hls/${pb}.m3u8`), 412);
    const ended = await call(`/hls/${pb}/${sessionId}/720p.m3u8`);
    expect(ended.text.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });
});
