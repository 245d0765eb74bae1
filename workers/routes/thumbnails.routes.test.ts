import { describe, expect, it } from 'vitest';
import { call, expectError } from '../test/helpers';
import { originCall, sessionPath } from '../test/origin';
import { fakeJpeg, playbackFixture, viewerToken } from '../test/playback';

describe('thumbnails', () => {
  it('serves the latest frame, and the frame nearest ?time= in a session', async () => {
    const f = await playbackFixture({ vod: true });
    const latest = await call(`/thumbnails/${f.publicPb}.jpg`);
    expect(latest.status).toBe(200);
    expect(latest.headers.get('content-type')).toBe('image/jpeg');
    expect(latest.headers.get('cache-control')).toBe('public, max-age=5');
    expect(latest.text).toContain('frame');
    const timed = await call(`/thumbnails/${f.publicPb}.jpg?time=30&session=${f.sessionId}`);
    expect(timed.status).toBe(200);
    expect(timed.headers.get('cache-control')).toContain('immutable');
    expectError(await call(`/thumbnails/${f.publicPb}.jpg?time=-1`), 400);
    expectError(await call(`/thumbnails/${f.publicPb}.jpg?time=soon`), 400);
    expectError(await call(`/thumbnails/${f.publicPb}.jpg?time=1&session=nope`), 400);
    expectError(await call(`/thumbnails/${f.publicPb}.png`), 404);
  });

  it('keeps every posted frame so a later ?time= finds a later frame', async () => {
    const f = await playbackFixture();
    // Frames are filed by their offset from the session start: a second frame posted now lands at 0 s
    // too (the same key), so only the latest content is checked here; the offset math is in media-keys.
    const again = await originCall(`${sessionPath(f.streamId, f.sessionId)}/thumbnail`, { raw: fakeJpeg('second') });
    expect(again.status).toBe(204);
    expect((await call(`/thumbnails/${f.publicPb}.jpg?time=0`)).text).toContain('second');
    expect((await call(`/thumbnails/${f.publicPb}.jpg`)).text).toContain('second');
  });

  it('needs a thumbnail token (aud t) for a signed id', async () => {
    const f = await playbackFixture();
    expectError(await call(`/thumbnails/${f.signedPb}.jpg`), 401, 'token_missing');
    const v = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v' });
    expectError(await call(`/thumbnails/${f.signedPb}.jpg?token=${v}`), 403, 'wrong_audience');
    const t = await viewerToken(f.signing, { sub: f.signedPb, aud: 't' });
    expect((await call(`/thumbnails/${f.signedPb}.jpg?token=${t}`)).status).toBe(200);
  });
});
