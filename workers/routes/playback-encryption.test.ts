import { describe, expect, it } from 'vitest';
import { call, expectError } from '../test/helpers';
import { publish } from '../test/origin';
import { playbackFixture, playlistUris, viewerToken } from '../test/playback';

/** AES-128 streams: the origin gets a key per session, viewers get it only through the policy. */

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('AES-128 encryption', () => {
  it('hands the origin a session key and lists it, with each segment IV, in the playlists', async () => {
    const f = await playbackFixture({ encryption: true });
    const enc = f.publishAnswer.encryption as { method: string; key_hex: string };
    expect(enc.method).toBe('AES-128');
    expect(enc.key_hex).toMatch(/^[0-9a-f]{32}$/);

    const media = await call(`/hls/${f.publicPb}/${f.sessionId}/720p.m3u8`);
    const keys = media.text.split('\n').filter((l) => l.startsWith('#EXT-X-KEY'));
    expect(keys).toEqual([
      `#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x${'0'.repeat(32)}`,
      `#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x${'0'.repeat(31)}1`,
    ]);
    const key = await fetchKey(`/hls/${f.publicPb}/${f.sessionId}/aes.key`);
    expect(key.status).toBe(200);
    expect(key.cacheControl).toBe('private, no-store');
    expect(key.hex).toBe(enc.key_hex);
  });

  it('serves a signed id key only with a grant or token, and rotates keys per session', async () => {
    const f = await playbackFixture({ encryption: true, vod: true });
    expectError(await call(`/hls/${f.signedPb}/${f.sessionId}/aes.key`), 401, 'token_missing');
    const token = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v' });
    const master = await call(`/hls/${f.signedPb}/recordings/${f.sessionId}.m3u8?token=${token}`);
    const [mediaPath] = playlistUris(master.text, `/hls/${f.signedPb}/recordings/${f.sessionId}.m3u8`);
    const media = await call(mediaPath!);
    const keyPath = playlistUris(media.text, mediaPath!).find((u) => u.includes('aes.key'))!;
    expect(keyPath).toMatch(new RegExp(`^/hls/${f.signedPb}/recordings/${f.sessionId}/aes\\.key\\?g=s\\.`));
    const key = await fetchKey(keyPath);
    expect(key.status).toBe(200);
    expect(key.hex).toBe((f.publishAnswer.encryption as { key_hex: string }).key_hex);

    // The next session of the same stream has another key.
    const streamKey = (await call(`/v1/streams/${f.streamId}`, { auth: f.keyToken })).json.stream_key as string;
    const next = await publish(streamKey);
    expect(next.json.session_id).not.toBe(f.sessionId);
    expect(next.json.encryption.key_hex).not.toBe(key.hex);
  });

  it("keeps a session's key when encryption is turned off during it: the live and the recording URL", async () => {
    const f = await playbackFixture({ encryption: true });
    const off = await call(`/v1/streams/${f.streamId}`, {
      method: 'PATCH',
      auth: f.keyToken,
      body: { encryption: false },
    });
    expect(off.status, off.text).toBe(200);
    expect(off.json.encryption).toBe(false);
    const enc = f.publishAnswer.encryption as { key_hex: string };
    for (const path of [
      `/hls/${f.publicPb}/${f.sessionId}/aes.key`,
      `/hls/${f.publicPb}/recordings/${f.sessionId}/aes.key`,
    ]) {
      const key = await fetchKey(path);
      expect(key.status, path).toBe(200);
      expect(key.hex).toBe(enc.key_hex);
    }
  });

  it('has no key for a stream that is not encrypted', async () => {
    const f = await playbackFixture();
    expect(f.publishAnswer.encryption).toBeNull();
    expectError(await call(`/hls/${f.publicPb}/${f.sessionId}/aes.key`), 404);
    expect((await call(`/hls/${f.publicPb}/${f.sessionId}/720p.m3u8`)).text).not.toContain('EXT-X-KEY');
  });
});

async function fetchKey(path: string) {
  const { exports } = await import('cloudflare:workers');
  const res = await exports.default.fetch(new Request(`http://edgelive.test${path}`));
  return { status: res.status, cacheControl: res.headers.get('cache-control'), hex: hex(await res.arrayBuffer()) };
}
