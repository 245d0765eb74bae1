import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, expectError } from '../test/helpers';
import { playbackFixture, playlistUris, viewerToken } from '../test/playback';

/** Referrer restrictions per app, and how long a URL copied out of a viewer's session keeps working. */

describe('referrer restrictions', () => {
  const settings = { allowed_referrers: ['*.example.com', 'partner.test'] };

  it('plays on allowed sites and refuses others and requests without a Referer', async () => {
    const f = await playbackFixture({ settings });
    const paths = [
      `/hls/${f.publicPb}.m3u8`,
      `/hls/${f.publicPb}/${f.sessionId}/720p.m3u8`,
      `/hls/${f.publicPb}/${f.sessionId}/720p/0.ts`,
      `/thumbnails/${f.publicPb}.jpg`,
      `/embed/${f.publicPb}`,
    ];
    for (const path of paths) {
      for (const ok of ['https://www.example.com/watch', 'https://a.b.example.com/', 'http://partner.test/x']) {
        expect((await call(path, { headers: { referer: ok } })).status, `${path} from ${ok}`).toBe(200);
      }
      for (const bad of [
        'https://example.com/',
        'https://evil.test/',
        'https://example.com.evil.test/',
        'https://notpartner.test/',
      ]) {
        expectError(await call(path, { headers: { referer: bad } }), 403, 'referrer_not_allowed');
      }
      expectError(await call(path), 403, 'referrer_missing');
    }
    // The embed page's own requests carry the embed page as Referer: our host always plays.
    expect((await call(paths[2]!, { headers: { referer: `http://edgelive.test/embed/${f.publicPb}` } })).status).toBe(
      200,
    );
  });

  it('admits requests without a Referer when the app allows them', async () => {
    const f = await playbackFixture({ settings: { ...settings, allow_no_referrer: true } });
    expect((await call(`/hls/${f.publicPb}/${f.sessionId}/720p/0.ts`)).status).toBe(200);
    expectError(
      await call(`/hls/${f.publicPb}.m3u8`, { headers: { referer: 'https://evil.test/' } }),
      403,
      'referrer_not_allowed',
    );
  });

  it('applies to signed playback ids on top of the token', async () => {
    const f = await playbackFixture({ settings });
    const token = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v' });
    const path = `/hls/${f.signedPb}.m3u8?token=${token}`;
    expect((await call(path, { headers: { referer: 'https://www.example.com/' } })).status).toBe(200);
    expectError(await call(path, { headers: { referer: 'https://evil.test/' } }), 403, 'referrer_not_allowed');
  });

  it('tells the browser which sites may frame the embed page', async () => {
    const f = await playbackFixture({ settings });
    const res = await call(`/embed/${f.publicPb}`, { headers: { referer: 'https://www.example.com/' } });
    expect(res.headers.get('content-security-policy')).toBe(
      "frame-ancestors 'self' https://*.example.com http://*.example.com https://partner.test http://partner.test",
    );
    const open = await playbackFixture();
    expect((await call(`/embed/${open.publicPb}`)).headers.get('content-security-policy')).toBe('frame-ancestors *');
  });

  it('refuses settings that are not host patterns', async () => {
    const f = await playbackFixture();
    const res = await call(`/v1/apps/${f.appId}`, {
      method: 'PATCH',
      auth: f.acctToken,
      body: { settings: { allowed_referrers: ['https://example.com/path'] } },
    });
    expectError(res, 400);
  });
});

describe('a leaked segment URL', () => {
  afterEach(() => vi.useRealTimers());

  it('stops working when its short-lived grant expires, while the viewer reloading the playlist keeps playing', async () => {
    const f = await playbackFixture();
    const token = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v', expIn: 3600 });
    const master = await call(`/hls/${f.signedPb}.m3u8?token=${token}`);
    const [media] = playlistUris(master.text, `/hls/${f.signedPb}.m3u8`);
    const leaked = playlistUris((await call(media!)).text, media!)[0]!;
    expect((await call(leaked)).status).toBe(200);

    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    const later = await call(leaked);
    expectError(later, 401, 'grant_expired');
    expect(later.headers.get('cache-control')).toBe('no-store');
    // The viewer's player reloads the media playlist (its playlist grant lives as long as the token)
    // and gets fresh segment URLs.
    const fresh = playlistUris((await call(media!)).text, media!)[0]!;
    expect(fresh).not.toBe(leaked);
    expect((await call(fresh)).status).toBe(200);
    // Once the viewer's token has expired, its playlist grant has too.
    vi.setSystemTime(Date.now() + 3600_000);
    expectError(await call(media!), 401, 'grant_expired');
  });
});
