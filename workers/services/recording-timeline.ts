/**
 * Where a moment of the live session falls in its recording. A player starts a VOD playlist at its
 * first segment (time 0), and every segment of ours carries `#EXT-X-PROGRAM-DATE-TIME`: the wall
 * clock of its first frame (origin/src/segment-clock.ts). So a wall-clock time maps to player time
 * through the segment that was being published then; not through the session's start, which comes
 * before the first frame by the ingest start-up time, and not by one subtraction either, since a
 * session that reconnected has a gap in wall time that the recording does not have.
 */
export interface TimelineSegment {
  /** Seconds from the recording's start (the sum of the EXTINFs before it). */
  start: number;
  duration: number;
  /** Wall clock (ms) of the segment's first frame. */
  pdt: number;
}

/** The segments of a VOD media playlist with their start and program date time, in playlist order. */
export function parseTimeline(playlist: string): TimelineSegment[] {
  const out: TimelineSegment[] = [];
  let start = 0;
  let pdt: number | null = null;
  let duration: number | null = null;
  for (const raw of playlist.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = Date.parse(line.slice(25));
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line && !line.startsWith('#')) {
      // A URI ends the segment. One without a usable PDT still takes its place on the timeline.
      const d = duration !== null && Number.isFinite(duration) ? duration : 0;
      if (pdt !== null && Number.isFinite(pdt)) out.push({ start, duration: d, pdt });
      start += d;
      pdt = null;
      duration = null;
    }
  }
  return out;
}

/** The recording's length in seconds (its last segment's end). */
export const timelineLength = (t: readonly TimelineSegment[]) =>
  t.reduce((end, s) => Math.max(end, s.start + s.duration), 0);

/**
 * The player time at which something said at wall time `at` (ms) belongs: inside a segment, its
 * start plus the time since its first frame; before the first frame, 0; in a gap (a reconnect),
 * where the video picks up again; after the last frame, the recording's end. Null for an empty
 * timeline (the caller then has only the session's start to go by). Sorts once, then each
 * lookup is a binary search, so a long chat over a long recording stays cheap.
 */
export function playerClock(timeline: readonly TimelineSegment[]): (at: number) => number | null {
  // Publication order: the latest segment whose first frame is not after `at`.
  const byPdt = [...timeline].sort((a, b) => a.pdt - b.pdt);
  return (at) => {
    if (!byPdt.length) return null;
    let lo = 0;
    let hi = byPdt.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (byPdt[mid]!.pdt <= at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return byPdt[0]!.start;
    const s = byPdt[found]!;
    return round3(s.start + Math.min(s.duration, (at - s.pdt) / 1000));
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
