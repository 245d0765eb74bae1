import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { type PlaybackFixture, playbackFixture, playlistUris, signingKey, viewerToken } from '../test/playback';

/**
 * The playback policy matrix: live and VOD; master, media playlist, segment and thumbnail; public,
 * a valid token, and every kind of bad token.
 */

type Fixture = PlaybackFixture;

/** The four resources of a playback id; `token` goes on as `?token=`. */
function paths(f: Fixture, pb: string, vod: boolean) {
  const base = `/hls/${pb}`;
  // A recording has its own tree; the live one keeps the session's last window.
  const session = vod ? `${base}/recordings/${f.sessionId}` : `${base}/${f.sessionId}`;
  return {
    master: vod ? `${session}.m3u8` : `${base}.m3u8`,
    playlist: `${session}/720p.m3u8`,
    segment: `${session}/720p/1.ts`,
    thumbnail: vod ? `/thumbnails/${pb}.jpg?time=0` : `/thumbnails/${pb}.jpg`,
  };
}
const withToken = (path: string, token: string) =>
  `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
type Kind = keyof ReturnType<typeof paths>;
const KINDS: Kind[] = ['master', 'playlist', 'segment', 'thumbnail'];
const audFor = (k: Kind) => (k === 'thumbnail' ? 't' : 'v');

for (const vod of [false, true]) {
  describe(`${vod ? 'VOD' : 'live'} playback policy`, () => {
    let f: Fixture;
    const fixture = async () => (f ??= await playbackFixture({ vod }));

    it('serves a public playback id to anyone', async () => {
      const fx = await fixture();
      const p = paths(fx, fx.publicPb, vod);
      for (const k of KINDS) expect((await call(p[k])).status, `${k} ${p[k]}`).toBe(200);
    });

    it('serves a signed playback id with a valid token of the right audience', async () => {
      const fx = await fixture();
      const p = paths(fx, fx.signedPb, vod);
      for (const k of KINDS) {
        const token = await viewerToken(fx.signing, { sub: fx.signedPb, aud: audFor(k) });
        const res = await call(withToken(p[k], token));
        expect(res.status, `${k}: ${res.text}`).toBe(200);
      }
    });

    it('refuses each kind of bad token with its own code', async () => {
      const fx = await fixture();
      const p = paths(fx, fx.signedPb, vod);
      const other = await tenant();
      const foreignKey = await signingKey(other.key.token);
      for (const k of KINDS) {
        const aud = audFor(k);
        const cases: [string | null, number, string][] = [
          [null, 401, 'token_missing'],
          ['not-a-jwt', 401, 'token_malformed'],
          [await viewerToken(fx.signing, { sub: fx.signedPb, aud, expIn: -30 }), 401, 'token_expired'],
          [await viewerToken(fx.signing, { sub: fx.signedPb, aud, expIn: null }), 401, 'token_malformed'],
          [await viewerToken(fx.signing, { sub: fx.signedPb, aud, nbfIn: 300 }), 401, 'token_not_yet_valid'],
          [await viewerToken(fx.signing, { sub: fx.signedPb, aud: aud === 'v' ? 't' : 'v' }), 403, 'wrong_audience'],
          [await viewerToken(fx.signing, { sub: fx.publicPb, aud }), 403, 'wrong_subject'],
          [await viewerToken(fx.signing, { sub: fx.signedPb, aud }, 'key_doesnotexist0000'), 401, 'unknown_key'],
          [await viewerToken(foreignKey, { sub: fx.signedPb, aud }), 403, 'wrong_app'],
          // Another key's signature under this key's kid.
          [await viewerToken({ ...foreignKey, id: fx.signing.id }, { sub: fx.signedPb, aud }), 401, 'bad_signature'],
        ];
        for (const [token, status, code] of cases) {
          const res = await call(token === null ? p[k] : withToken(p[k], token));
          expectError(res, status, code);
          expect(res.headers.get('cache-control'), `${k} ${code}`).toBe('no-store');
        }
      }
    });

    it('carries a token down the tree as grants: every viewer gets the same canonical segment', async () => {
      const fx = await fixture();
      const p = paths(fx, fx.signedPb, vod);
      const token = await viewerToken(fx.signing, { sub: fx.signedPb, aud: 'v' });
      const master = await call(withToken(p.master, token));
      const [mediaPath] = playlistUris(master.text, p.master);
      expect(mediaPath).toMatch(/\/720p\.m3u8\?g=p\.\d+\./);
      const media = await call(mediaPath!);
      expect(media.status, media.text).toBe(200);
      const segPaths = playlistUris(media.text, mediaPath!);
      expect(segPaths).toHaveLength(2);
      for (const s of segPaths) expect(s).toMatch(/\/720p\/\d\.ts\?g=s\.\d+\./);
      const seg = await call(segPaths[1]!);
      expect(seg.status).toBe(200);
      expect(seg.text).toContain('720p-1');
      // The segment grant opens segments, not playlists; a tampered or foreign grant opens nothing.
      const segGrant = new URL(segPaths[1]!, 'http://x').searchParams.get('g')!;
      expectError(await call(`${p.playlist}?g=${segGrant}`), 403, 'grant_invalid');
      expectError(await call(`${p.segment}?g=${segGrant.slice(0, -2)}AA`), 403, 'grant_invalid');
      const publicPath = paths(fx, fx.publicPb, vod).segment;
      expect((await call(`${publicPath}?g=garbage`)).status).toBe(200);
      // A grant is bound to its playback id: another signed id of the same app does not take it.
      const second = await call(`/v1/streams/${fx.streamId}/playback-ids`, {
        auth: fx.keyToken,
        body: { policy: 'signed' },
      });
      expectError(await call(`/hls/${second.json.id}/${fx.sessionId}/720p/1.ts?g=${segGrant}`), 403, 'grant_invalid');
      // Masters always need the customer's token, never a grant.
      const mediaGrant = new URL(mediaPath!, 'http://x').searchParams.get('g')!;
      expectError(await call(`${p.master}?g=${mediaGrant}`), 401, 'token_missing');
    });
  });
}
