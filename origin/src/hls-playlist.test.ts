import { describe, expect, it } from 'vitest';
import { normalizeIsoDate, parseMediaPlaylist } from './hls-playlist.ts';

describe('parseMediaPlaylist', () => {
  it('numbers segments from the media sequence and keeps their duration and date', () => {
    const p = parseMediaPlaylist(`#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:41
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:2.033333,
#EXT-X-PROGRAM-DATE-TIME:2026-11-21T21:20:39.832+0000
41.ts
#EXTINF:2.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-11-21T21:20:41.866+0000
42.ts
#EXT-X-ENDLIST
`);
    expect(p.endList).toBe(true);
    expect(p.segments).toEqual([
      { sequence: 41, uri: '41.ts', durationS: 2.033333, programDateTime: '2026-11-21T21:20:39.832Z' },
      { sequence: 42, uri: '42.ts', durationS: 2, programDateTime: '2026-11-21T21:20:41.866Z' },
    ]);
  });

  it('normalizes offsets to UTC', () => {
    expect(normalizeIsoDate('2026-11-21T23:20:39.832+0200')).toBe('2026-11-21T21:20:39.832Z');
    expect(normalizeIsoDate('garbage')).toBeNull();
  });
});
