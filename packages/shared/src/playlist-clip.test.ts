import { describe, expect, it } from 'vitest';
import { renderMediaPlaylist } from './playlist';
import { cutMediaPlaylist, parseMasterPlaylist, playlistDuration, renderClipMaster } from './playlist-clip';

/** A recording as the stream object writes it: 2 s segments, one per-segment key, a reconnect at 3. */
const recording = renderMediaPlaylist({
  segments: [0, 1, 2, 3, 4].map((n) => ({
    sequence: n === 3 || n === 4 ? n + 7 : n,
    duration: 2,
    pdt: Date.UTC(2026, 0, 1, 12, 0, n * 2),
    discontinuity: n === 3,
  })),
  mediaSequence: 0,
  discontinuitySequence: 0,
  nominalDuration: 2,
  kind: 'vod',
  uri: (s) => `720p/${s.sequence}.ts`,
  keyUri: 'aes.key',
});

describe('cutting a clip out of a media playlist', () => {
  it('keeps the segments overlapping the range, each with its own key and time, as a VOD playlist', () => {
    const cut = cutMediaPlaylist(recording, 3, 7)!;
    expect(cut).toMatchObject({ start: 2, end: 8, duration: 6, firstSequence: 1, lastSequence: 10 });
    expect(cut.text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x00000000000000000000000000000001',
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:02.000Z',
        '#EXTINF:2.000,',
        '720p/1.ts',
        '#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x00000000000000000000000000000002',
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:04.000Z',
        '#EXTINF:2.000,',
        '720p/2.ts',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x0000000000000000000000000000000a',
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:06.000Z',
        '#EXTINF:2.000,',
        '720p/10.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
  });

  it('drops a discontinuity before its first segment, and a range past the end is empty', () => {
    const cut = cutMediaPlaylist(recording, 6, 100)!;
    expect(cut.text).not.toContain('DISCONTINUITY');
    expect(cut).toMatchObject({ start: 6, end: 10, duration: 4, firstSequence: 10, lastSequence: 11 });
    expect(cutMediaPlaylist(recording, 10, 12)).toBeNull();
    expect(playlistDuration(recording)).toBe(10);
  });

  it('carries a key stated once at the top onto the first kept segment', () => {
    const ffmpeg = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:4',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-KEY:METHOD=AES-128,URI="k.key"',
      '#EXTINF:4.000000,',
      '360p/0.ts',
      '#EXTINF:4.000000,',
      '360p/1.ts',
      '#EXTINF:1.500000,',
      '360p/2.ts',
      '#EXT-X-ENDLIST',
    ].join('\n');
    const cut = cutMediaPlaylist(ffmpeg, 4.5, 9)!;
    expect(cut.text.split('\n').slice(5, 9)).toEqual([
      '#EXT-X-KEY:METHOD=AES-128,URI="k.key"',
      '#EXTINF:4.000000,',
      '360p/1.ts',
      '#EXTINF:1.500000,',
    ]);
    expect(cut).toMatchObject({ start: 4, end: 9.5, duration: 5.5, firstSequence: 1, lastSequence: 2 });
  });

  it('reads a master by rendition and writes the clip master beside its playlists', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720',
      'lsn_1/720p.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360',
      'lsn_1/360p.m3u8',
    ].join('\n');
    const entries = parseMasterPlaylist(master);
    expect(entries.map((e) => e.rendition)).toEqual(['720p', '360p']);
    expect(renderClipMaster(entries.slice(1))).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\n360p.m3u8\n',
    );
  });
});
