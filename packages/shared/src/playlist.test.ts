import { describe, expect, it } from 'vitest';
import { type PlaylistSegment, renderMasterPlaylist, renderMediaPlaylist } from './playlist.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const seg = (sequence: number, duration = 2, discontinuity = false): PlaylistSegment => ({
  sequence,
  duration,
  pdt: T0 + sequence * 2000,
  discontinuity,
});
const uri = (s: PlaylistSegment) => `720p/${s.sequence}.ts`;

describe('media playlists', () => {
  it('renders a live window with program date times and no ENDLIST', () => {
    expect(
      renderMediaPlaylist({
        segments: [seg(4), seg(5, 1.96)],
        mediaSequence: 4,
        discontinuitySequence: 0,
        nominalDuration: 2,
        kind: 'live',
        uri,
      }),
    ).toBe(
      `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:4
#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:08.000Z
#EXTINF:2.000,
720p/4.ts
#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:10.000Z
#EXTINF:1.960,
720p/5.ts
`,
    );
  });

  it('marks a discontinuity inside the window and counts one that slid out', () => {
    const text = renderMediaPlaylist({
      segments: [seg(9, 2, true), seg(10), seg(14, 2, true)],
      mediaSequence: 7,
      discontinuitySequence: 1,
      nominalDuration: 2,
      kind: 'live',
      uri,
    });
    const lines = text.trim().split('\n');
    expect(lines).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    // Only one tag: the first segment's discontinuity is already in the sequence number.
    expect(lines.filter((l) => l === '#EXT-X-DISCONTINUITY')).toHaveLength(1);
    expect(lines[lines.indexOf('#EXT-X-DISCONTINUITY') + 3]).toBe('720p/14.ts');
  });

  it('raises the target duration to cover a long segment, rounding as RFC 8216 says', () => {
    const text = (d: number) =>
      renderMediaPlaylist({
        segments: [seg(0, d)],
        mediaSequence: 0,
        discontinuitySequence: 0,
        nominalDuration: 2,
        kind: 'live',
        uri,
      });
    expect(text(2.4)).toContain('#EXT-X-TARGETDURATION:2\n');
    expect(text(3.6)).toContain('#EXT-X-TARGETDURATION:4\n');
  });

  it('ends an ended playlist and types a recording as VOD', () => {
    const ended = renderMediaPlaylist({
      segments: [seg(0)],
      mediaSequence: 0,
      discontinuitySequence: 0,
      nominalDuration: 1,
      kind: 'ended',
      uri,
    });
    expect(ended.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(ended).not.toContain('PLAYLIST-TYPE');
    const vod = renderMediaPlaylist({
      segments: [seg(0)],
      mediaSequence: 0,
      discontinuitySequence: 0,
      nominalDuration: 1,
      kind: 'vod',
      uri,
    });
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
    expect(vod.trim().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });
});

describe('master playlists', () => {
  it('lists variants with measured attributes, omitting the unknown ones', () => {
    expect(
      renderMasterPlaylist([
        {
          uri: 'a/720p.m3u8',
          bandwidth: 3_000_000.4,
          averageBandwidth: 2_500_000,
          resolution: '1280x720',
          codecs: 'avc1.64001f,mp4a.40.2',
          frameRate: 30,
        },
        { uri: 'a/360p.m3u8', bandwidth: 900_000 },
      ]),
    ).toBe(`#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=3000000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"
a/720p.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000
a/360p.m3u8
`);
  });
});
