import { describe, expect, it } from 'vitest';
import { tokenAudiences, tokenOpens } from '../token-audience';
import { playbackUrls } from './edgelive-player';
import { hlsConfigFor } from './hls-config';

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
});
