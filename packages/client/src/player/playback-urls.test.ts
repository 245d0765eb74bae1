import { describe, expect, it } from 'vitest';
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

  it('sits closer to the live edge in low latency mode', () => {
    expect(hlsConfigFor('low')).toMatchObject({ lowLatencyMode: true, liveSyncDuration: 1.5 });
    expect(hlsConfigFor('standard')).toMatchObject({ lowLatencyMode: false, liveSyncDurationCount: 3 });
    // DVR: never pulled back to the live edge.
    expect(hlsConfigFor('low', { dvr: true })).toMatchObject({
      liveMaxLatencyDuration: Number.POSITIVE_INFINITY,
      maxLiveSyncPlaybackRate: 1,
    });
    expect(hlsConfigFor('standard', { dvr: true })).toMatchObject({
      liveMaxLatencyDurationCount: Number.POSITIVE_INFINITY,
    });
  });
});
