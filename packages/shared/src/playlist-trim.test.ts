import { describe, expect, it } from 'vitest';
import { renderMediaPlaylist } from './playlist';
import { cutMediaPlaylist } from './playlist-clip';
import { applyTrim, planTrim, segmentPlaylist } from './playlist-trim';

/** An encrypted recording as the stream object writes it: 2 s segments, a key per segment, a reconnect at 3. */
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

const key = (n: number) => `#EXT-X-KEY:METHOD=AES-128,URI="aes.key",IV=0x${n.toString(16).padStart(32, '0')}`;

describe('planning a frame-accurate clip', () => {
  // [3, 7) of the recording: cut on segments [2, 8), so 1 s in and 1 s short of the cut's end.
  const cut = cutMediaPlaylist(recording, 3, 7)!;

  it('re-encodes only the first and last segments, from the start and to the end asked', () => {
    expect(planTrim(cut.text, '720p', 3 - cut.start, 7 - cut.start)).toEqual([
      { rendition: '720p', part: 'head', segment: '720p/1.ts', from_s: 1, to_s: 2 },
      { rendition: '720p', part: 'tail', segment: '720p/10.ts', from_s: 0, to_s: 1 },
    ]);
  });

  it('plans nothing on segment edges, one part for a one-segment clip, and clamps to the cut', () => {
    expect(planTrim(cut.text, '720p', 0, 6)).toEqual([]);
    expect(planTrim(cut.text, '720p', 0.01, 5.99)).toEqual([]);
    expect(planTrim(cut.text, '720p', -1, 60)).toEqual([]);
    const one = cutMediaPlaylist(recording, 4.5, 5.25)!;
    expect(planTrim(one.text, '720p', 4.5 - one.start, 5.25 - one.start)).toEqual([
      { rendition: '720p', part: 'head', segment: '720p/2.ts', from_s: 0.5, to_s: 1.25 },
    ]);
    expect(planTrim(one.text, '720p', 0, 1.5)).toEqual([
      { rendition: '720p', part: 'tail', segment: '720p/2.ts', from_s: 0, to_s: 1.5 },
    ]);
  });

  it('swaps the planned segments for the re-encoded parts, unencrypted, between discontinuities', () => {
    const plan = planTrim(cut.text, '720p', 1, 5);
    const made = [
      { rendition: '720p', part: 'head' as const, duration_s: 1.001 },
      { rendition: '720p', part: 'tail' as const, duration_s: 0.96 },
    ];
    expect(applyTrim(cut.text, plan, made)).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-KEY:METHOD=NONE',
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:03.000Z',
        '#EXTINF:1.001,',
        '720p/head.ts',
        '#EXT-X-DISCONTINUITY',
        key(2),
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:04.000Z',
        '#EXTINF:2.000,',
        '720p/2.ts',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-KEY:METHOD=NONE',
        '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:06.000Z',
        '#EXTINF:0.960,',
        '720p/tail.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    // A part the job did not report stays the parent's segment.
    expect(applyTrim(cut.text, plan, made.slice(0, 1))).toContain('720p/10.ts');
  });

  it('restates the key in force for a segment after the head that did not carry one', () => {
    const plain = cut.text.split('\n').filter((l) => !l.startsWith('#EXT-X-KEY') || l.endsWith('1'));
    const text = applyTrim(plain.join('\n'), planTrim(cut.text, '720p', 1, 6), [
      { rendition: '720p', part: 'head', duration_s: 1 },
    ]);
    expect(text).toContain(
      ['#EXT-X-DISCONTINUITY', key(1), '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:04.000Z'].join('\n'),
    );
  });

  it('gives the agent a one-segment playlist with the key in force', () => {
    expect(segmentPlaylist(cut.text, '720p/10.ts')).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-MEDIA-SEQUENCE:0',
        key(10),
        '#EXTINF:2.000,',
        '720p/10.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    expect(segmentPlaylist(cut.text, '720p/4.ts')).toBeNull();
  });
});
