/**
 * Instant clips (issue 14): a clip is a VOD playlist over a range of its parent's segments, so it
 * plays at once and shares the parent's media (no re-encode). These pure functions cut that range
 * out of any media playlist we write (a recording, a live session's tail, an upload's transcode,
 * another clip), keeping each segment's own tags (IV-carrying EXT-X-KEY, PROGRAM-DATE-TIME,
 * DISCONTINUITY) so the cut decodes exactly as the parent does.
 */

export interface ParsedSegment {
  /** The tag lines before the URI, EXTINF included, in their order. */
  tags: string[];
  uri: string;
  duration: number;
  /** Seconds from the playlist's first segment to this one's first frame. */
  start: number;
}

const HEADER_ONLY = /^#EXT-X-(TARGETDURATION|MEDIA-SEQUENCE|DISCONTINUITY-SEQUENCE|PLAYLIST-TYPE|ENDLIST|VERSION)\b/;

export function parseMediaPlaylist(text: string): ParsedSegment[] {
  const out: ParsedSegment[] = [];
  let tags: string[] = [];
  let duration = 0;
  let at = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line === '#EXTM3U' || HEADER_ONLY.test(line)) continue;
    if (line.startsWith('#')) {
      if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8)) || 0;
      tags.push(line);
      continue;
    }
    out.push({ tags, uri: line, duration, start: at });
    at += duration;
    tags = [];
    duration = 0;
  }
  return out;
}

/** What stays in force from one segment to the next unless a segment restates it (RFC 8216 4.3.2.4-5). */
const STICKY = ['#EXT-X-KEY:', '#EXT-X-MAP:'];

export interface Cut {
  text: string;
  /** Where the first kept segment starts in the parent, and where the last one ends (seconds). */
  start: number;
  end: number;
  duration: number;
  /** The sequence numbers named by the kept URIs (`.../<n>.ts`), lowest and highest. */
  firstSequence: number;
  lastSequence: number;
}

/**
 * The segments of `text` that overlap [start, end) seconds, as a VOD playlist; null when none
 * does. Segment-accurate: a clip starts at the keyframe that opens the segment holding `start`.
 */
export function cutMediaPlaylist(text: string, start: number, end: number): Cut | null {
  const all = parseMediaPlaylist(text);
  const sticky = new Map<string, string>();
  const kept: ParsedSegment[] = [];
  for (const seg of all) {
    const inside = seg.start < end && seg.start + seg.duration > start;
    if (inside) {
      const restated = new Set(STICKY.filter((p) => seg.tags.some((t) => t.startsWith(p))));
      const carried = kept.length ? [] : [...sticky].filter(([p]) => !restated.has(p)).map(([, l]) => l);
      kept.push({ ...seg, tags: [...carried, ...seg.tags] });
    }
    for (const t of seg.tags) for (const p of STICKY) if (t.startsWith(p)) sticky.set(p, t);
  }
  const first = kept[0];
  const last = kept[kept.length - 1];
  if (!first || !last) return null;
  const sequences = kept.map((s) => Number(/(\d+)\.ts$/.exec(s.uri)?.[1] ?? Number.NaN));
  const target = Math.max(1, ...kept.map((s) => Math.round(s.duration)));
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`];
  lines.push('#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0');
  kept.forEach((s, i) => {
    // A cut starts fresh: a discontinuity before its first segment means nothing to the player.
    for (const t of s.tags) if (i > 0 || t !== '#EXT-X-DISCONTINUITY') lines.push(t);
    lines.push(s.uri);
  });
  lines.push('#EXT-X-ENDLIST');
  const duration = kept.reduce((n, s) => n + s.duration, 0);
  return {
    text: `${lines.join('\n')}\n`,
    start: first.start,
    end: last.start + last.duration,
    duration: Math.round(duration * 1000) / 1000,
    firstSequence: Math.min(...sequences),
    lastSequence: Math.max(...sequences),
  };
}

/** Total seconds of a media playlist. */
export const playlistDuration = (text: string) => parseMediaPlaylist(text).reduce((n, s) => n + s.duration, 0);

export interface MasterEntry {
  streamInf: string;
  /** The media playlist's file name without `.m3u8` (our URIs end `<rendition>.m3u8`). */
  rendition: string;
}

/** The variants of a master playlist, each named by the rendition its URI ends with. */
export function parseMasterPlaylist(text: string): MasterEntry[] {
  const out: MasterEntry[] = [];
  let inf: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-STREAM-INF:')) inf = line;
    else if (line && !line.startsWith('#') && inf) {
      const name = line
        .split('?')[0]!
        .split('/')
        .pop()!
        .replace(/\.m3u8$/, '');
      out.push({ streamInf: inf, rendition: name });
      inf = null;
    }
  }
  return out;
}

/** A master over `entries`, naming each media playlist `<rendition>.m3u8` beside it. */
export function renderClipMaster(entries: readonly MasterEntry[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const e of entries) lines.push(e.streamInf, `${e.rendition}.m3u8`);
  return `${lines.join('\n')}\n`;
}
