import { type ParsedSegment, parseMediaPlaylist } from './playlist-clip.ts';

/**
 * Frame-accurate clips (issue 14): a clip is first cut on segment boundaries (playlist-clip.ts) so
 * it plays at once; a trim job then re-encodes only its first and last segments, from the
 * requested start and to the requested end, and the clip's playlists swap those two for the
 * re-encoded parts. Every whole segment between stays the parent's, untouched. These pure
 * functions plan that job from the cut playlist and rewrite the playlist from what it made; the
 * Worker and the agent both use them.
 */

export type TrimPartName = 'head' | 'tail';

export interface TrimPart {
  rendition: string;
  part: TrimPartName;
  /** The segment's URI in the clip's playlist (`<rendition>/<n>.ts`). */
  segment: string;
  /** Seconds inside that segment to keep: [from_s, to_s). */
  from_s: number;
  to_s: number;
}

/** Less than this off a segment's edge is not worth a re-encode (half a frame at 25-30 fps). */
export const TRIM_EPSILON_S = 0.02;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The parts of one rendition's cut playlist to re-encode so it runs [start, end) seconds of the
 * cut's own timeline (0 = the cut's first frame). None when the request already falls on segment
 * edges. A one-segment clip re-encodes that segment once, as its head (or its tail when only the
 * end is off an edge).
 */
export function planTrim(text: string, rendition: string, start: number, end: number): TrimPart[] {
  const segs = parseMediaPlaylist(text);
  const first = segs[0];
  const last = segs[segs.length - 1];
  if (!first || !last) return [];
  const total = last.start + last.duration;
  const from = Math.max(0, start);
  const to = Math.min(total, end);
  const parts: TrimPart[] = [];
  const headFrom = from - first.start;
  const trimHead = headFrom > TRIM_EPSILON_S;
  const trimTail = last.start + last.duration - to > TRIM_EPSILON_S;
  if (first === last) {
    if (trimHead || trimTail)
      parts.push({
        rendition,
        part: trimHead ? 'head' : 'tail',
        segment: first.uri,
        from_s: round3(headFrom),
        to_s: round3(to - first.start),
      });
    return parts;
  }
  if (trimHead)
    parts.push({ rendition, part: 'head', segment: first.uri, from_s: round3(headFrom), to_s: round3(first.duration) });
  if (trimTail) parts.push({ rendition, part: 'tail', segment: last.uri, from_s: 0, to_s: round3(to - last.start) });
  return parts;
}

/** The URI a re-encoded part is named by in the clip's playlist. */
export const trimPartUri = (rendition: string, part: TrimPartName) => `${rendition}/${part}.ts`;

/** What the trim job made of a part, measured by ffprobe on the output. */
export interface TrimmedPart {
  rendition: string;
  part: TrimPartName;
  duration_s: number;
}

const isKey = (t: string) => t.startsWith('#EXT-X-KEY:');
const isPdt = (t: string) => t.startsWith('#EXT-X-PROGRAM-DATE-TIME:');

/** The key in force at each segment (a segment restates it, or the last one that did). */
function keysInForce(segs: ParsedSegment[]): (string | null)[] {
  let key: string | null = null;
  return segs.map((s) => {
    key = s.tags.find(isKey) ?? key;
    return key;
  });
}

function shiftedPdt(tags: string[], bySeconds: number): string[] {
  const pdt = tags.find(isPdt);
  const at = pdt ? Date.parse(pdt.slice('#EXT-X-PROGRAM-DATE-TIME:'.length)) : Number.NaN;
  return Number.isFinite(at) ? [`#EXT-X-PROGRAM-DATE-TIME:${new Date(at + bySeconds * 1000).toISOString()}`] : [];
}

/**
 * The cut playlist with its planned parts swapped for the re-encoded ones. A re-encoded part is
 * not encrypted and has timestamps of its own, so it is bracketed by `EXT-X-DISCONTINUITY` and
 * named with `METHOD=NONE` when the parent's segments are encrypted; the segment after a head
 * restates the key it needs.
 */
export function applyTrim(text: string, plan: readonly TrimPart[], made: readonly TrimmedPart[]): string {
  const segs = parseMediaPlaylist(text);
  const keys = keysInForce(segs);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3'];
  const body: string[] = [];
  let target = 1;
  segs.forEach((seg, i) => {
    const p = plan.find((x) => x.segment === seg.uri && (x.part === 'head' ? i === 0 : i === segs.length - 1));
    const m = p && made.find((x) => x.rendition === p.rendition && x.part === p.part);
    if (p && m) {
      if (i > 0) body.push('#EXT-X-DISCONTINUITY');
      if (keys[i]) body.push('#EXT-X-KEY:METHOD=NONE');
      body.push(
        ...shiftedPdt(seg.tags, p.from_s),
        `#EXTINF:${m.duration_s.toFixed(3)},`,
        trimPartUri(p.rendition, p.part),
      );
      target = Math.max(target, Math.round(m.duration_s));
      return;
    }
    const afterPart = i > 0 && body.length > 0 && body[body.length - 1]!.endsWith('/head.ts');
    const tags = [...seg.tags];
    if (afterPart) {
      if (!tags.includes('#EXT-X-DISCONTINUITY')) tags.unshift('#EXT-X-DISCONTINUITY');
      const key = keys[i];
      if (key && !tags.some(isKey)) tags.splice(1, 0, key);
    }
    body.push(...tags, seg.uri);
    target = Math.max(target, Math.round(seg.duration));
  });
  lines.push(`#EXT-X-TARGETDURATION:${target}`, '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0');
  return `${[...lines, ...body, '#EXT-X-ENDLIST'].join('\n')}\n`;
}

/**
 * A VOD playlist of one segment of `text`, with the key in force for it: what the agent hands
 * FFmpeg to decode just that segment (decrypting it when the parent's media is encrypted).
 */
export function segmentPlaylist(text: string, uri: string): string | null {
  const segs = parseMediaPlaylist(text);
  const keys = keysInForce(segs);
  const i = segs.findIndex((s) => s.uri === uri);
  const seg = segs[i];
  if (!seg) return null;
  const tags = seg.tags.filter((t) => t.startsWith('#EXTINF:') || isKey(t));
  if (keys[i] && !tags.some(isKey)) tags.unshift(keys[i]!);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(seg.duration))}`];
  lines.push('#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0', ...tags, uri, '#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}
