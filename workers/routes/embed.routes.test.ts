import { describe, expect, it } from 'vitest';
import { call, expectError } from '../test/helpers';
import { playbackFixture } from '../test/playback';

describe('embed page', () => {
  it('renders a player page with the master URL, token passed through, and the thumbnail as poster', async () => {
    const f = await playbackFixture();
    const res = await call(`/embed/${f.signedPb}?token=abc.def.ghi&thumbnail_token=t.t.t`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const config = JSON.parse(
      /<script id="edgelive-config" type="application\/json">(.*?)<\/script>/s.exec(res.text)![1]!,
    );
    expect(config).toEqual({
      playbackId: f.signedPb,
      src: `/hls/${f.signedPb}.m3u8?token=abc.def.ghi`,
      poster: `/thumbnails/${f.signedPb}.jpg?token=t.t.t`,
      latencyMode: 'standard',
      dvr: false,
      autoplay: true,
      muted: true,
    });
    expect(res.text).toContain('<script src="/player/embed.js" defer>');
    expect(res.text).toContain('id="quality"');
    expect(res.text).toContain('id="live"');
  });

  it('has no poster for a signed id without a thumbnail token, and cannot be broken out of by the token', async () => {
    const f = await playbackFixture();
    const res = await call(
      `/embed/${f.signedPb}?token=${encodeURIComponent('</script><script>alert(1)</script>')}&autoplay=0`,
    );
    expect(res.text).not.toContain('<script>alert(1)');
    const config = JSON.parse(
      /<script id="edgelive-config" type="application\/json">(.*?)<\/script>/s.exec(res.text)![1]!,
    );
    expect(config.poster).toBeNull();
    expect(config.autoplay).toBe(false);
    expect(config.muted).toBe(false);
    expect((await call(`/embed/${f.publicPb}`)).text).toContain(`/thumbnails/${f.publicPb}.jpg`);
    expectError(await call('/embed/pb_doesnotexist00000000'), 404);
  });
});
