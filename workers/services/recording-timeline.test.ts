import { describe, expect, it } from 'vitest';
import { parseTimeline, playerClock, timelineLength } from './recording-timeline';

/** Wall time to player time through a recording's playlist (what the chat replay stands on). */
const T0 = Date.UTC(2026, 11, 1, 20, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

// Three 2 s segments, then a reconnect: the fourth was published 10 s after the third ended.
const PLAYLIST = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PROGRAM-DATE-TIME:${at(0)}
#EXTINF:2.000,
720p/0.ts
#EXT-X-PROGRAM-DATE-TIME:${at(2000)}
#EXTINF:2.000,
720p/1.ts
#EXT-X-PROGRAM-DATE-TIME:${at(4000)}
#EXTINF:1.500,
720p/2.ts
#EXT-X-DISCONTINUITY
#EXT-X-PROGRAM-DATE-TIME:${at(15_500)}
#EXTINF:2.000,
720p/3.ts
#EXT-X-ENDLIST
`;

describe('recording timeline', () => {
  const timeline = parseTimeline(PLAYLIST);
  const clock = playerClock(timeline);

  it('reads every segment with its start and program date time', () => {
    expect(timeline).toEqual([
      { start: 0, duration: 2, pdt: T0 },
      { start: 2, duration: 2, pdt: T0 + 2000 },
      { start: 4, duration: 1.5, pdt: T0 + 4000 },
      { start: 5.5, duration: 2, pdt: T0 + 15_500 },
    ]);
    expect(timelineLength(timeline)).toBe(7.5);
  });

  it('maps a wall time to the player time of the frame live then', () => {
    expect(clock(T0 + 1234)).toBe(1.234);
    expect(clock(T0 + 2000)).toBe(2);
    expect(clock(T0 + 4999)).toBe(4.999);
    // After the reconnect: 0.5 s into the fourth segment, which starts at 5.5 s.
    expect(clock(T0 + 16_000)).toBe(6);
  });

  it('puts what was said before the first frame at 0, in a gap where the video resumes, after the end at the end', () => {
    expect(clock(T0 - 3000)).toBe(0);
    expect(clock(T0 + 9000)).toBe(5.5);
    expect(clock(T0 + 60_000)).toBe(7.5);
  });

  it('keeps a segment without a date on the timeline, and answers null for no timeline', () => {
    const t = parseTimeline(`#EXTINF:2.000,\na.ts\n#EXT-X-PROGRAM-DATE-TIME:${at(2500)}\n#EXTINF:2.000,\nb.ts\n`);
    expect(t).toEqual([{ start: 2, duration: 2, pdt: T0 + 2500 }]);
    expect(playerClock(t)(T0 + 3000)).toBe(2.5);
    expect(playerClock([])(T0)).toBeNull();
  });
});
