import { describe, expect, it } from 'vitest';
import { tokenAudiences, tokenOpens } from '../token-audience';
import { playbackUrls } from './edgelive-player';
import { hlsConfigFor } from './hls-config';
import { CATCH_UP_RATE, catchUpRate } from './live-catch-up';

describe('player URLs and settings', () => {
  it('passes the playback token to the master and the thumbnail token to the poster', () => {
    expect(
      playbackUrls({ baseUrl: 'https://live.test', playbackId: 'pb_1', token: 'a.b.c', thumbnailToken: 't.t.t' }),
    ).toEqual({
      src: 'https://live.test/hls/pb_1.m3u8?token=a.b.c',
      poster: 'https://live.test/thumbnails/pb_1.jpg?token=t.t.t',
    });
    expect(playbackUrls({ baseUrl: 'https://live.test', playbackId: 'pb_1', token: 'a.b.c' }).poster).toBeUndefined();
    expect(playbackUrls({ baseUrl: 'https://live.test', playbackId: 'pb_1' })).toEqual({
      src: 'https://live.test/hls/pb_1.m3u8',
      poster: 'https://live.test/thumbnails/pb_1.jpg',
    });
  });

  it('uses one combined token (aud v, t, chat) for the video and the poster', () => {
    const jwt = (aud: unknown) =>
      `e30.${btoa(JSON.stringify({ sub: 'user_1', aud, playback_id: 'pb_1' })).replace(/=+$/, '')}.sig`;
    const combined = jwt(['v', 't', 'chat']);
    expect(playbackUrls({ baseUrl: 'https://live.test', playbackId: 'pb_1', token: combined })).toEqual({
      src: `https://live.test/hls/pb_1.m3u8?token=${combined}`,
      poster: `https://live.test/thumbnails/pb_1.jpg?token=${combined}`,
    });
    // A video-only token is not sent to the thumbnails (it would be refused there).
    expect(playbackUrls({ baseUrl: 'https://live.test', playbackId: 'pb_1', token: jwt('v') }).poster).toBeUndefined();
    expect(tokenAudiences(combined)).toEqual(['v', 't', 'chat']);
    expect(tokenOpens(jwt('chat'), 'chat')).toBe(true);
    expect(tokenOpens(jwt('v'), 'chat')).toBe(false);
    expect(tokenAudiences('not a token')).toEqual([]);
  });

  it('sits closer to the live edge in low latency mode', () => {
    expect(hlsConfigFor('low')).toMatchObject({ lowLatencyMode: true });
    // The playlist's PART-HOLD-BACK sets the distance to the live edge; a user value would override it.
    expect(hlsConfigFor('low')).not.toHaveProperty('liveSyncDuration');
    expect(hlsConfigFor('standard')).toMatchObject({ lowLatencyMode: false, liveSyncDurationCount: 3 });
    // DVR: never pulled back to the live edge.
    expect(hlsConfigFor('low', { dvr: true })).toMatchObject({ maxLiveSyncPlaybackRate: 1 });
    // hls.js refuses a liveMaxLatency* without its liveSync* twin (which would override PART-HOLD-BACK).
    expect(hlsConfigFor('low', { dvr: true })).not.toHaveProperty('liveMaxLatencyDuration');
    expect(hlsConfigFor('low')).not.toHaveProperty('liveMaxLatencyDurationCount');
    expect(hlsConfigFor('standard', { dvr: true })).toMatchObject({
      liveMaxLatencyDurationCount: Number.POSITIVE_INFINITY,
    });
  });

  it('plays faster while behind the LL-HLS target with buffer to spare, at normal speed otherwise', () => {
    const at = (latency: number | null, ahead: number, rate = 1) => catchUpRate({ latency, target: 0.6, ahead, rate });
    // Half a second late with 0.5 s buffered: catch up (hls.js would not, below 1 s of buffer).
    expect(at(1.1, 0.5)).toBe(CATCH_UP_RATE);
    // On target, or too little buffer to spend, or no figure yet: normal speed.
    expect(at(0.65, 0.5)).toBe(1);
    expect(at(1.1, 0.2)).toBe(1);
    expect(at(null, 0.5)).toBe(1);
    // Once catching up it goes on to the target, and stops when the buffer runs low.
    expect(at(0.65, 0.2, CATCH_UP_RATE)).toBe(CATCH_UP_RATE);
    expect(at(0.61, 0.5, CATCH_UP_RATE)).toBe(1);
    expect(at(1.1, 0.1, CATCH_UP_RATE)).toBe(1);
    // Far behind is not the live edge any more (a pause): left alone.
    expect(at(5, 3)).toBe(1);
  });
});
