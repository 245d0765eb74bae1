import { type LowLatency, llHeadLines, llTailLines, partLines } from './playlist-ll.ts';

/**
 * HLS playlist text (RFC 8216), rendered from what the stream object knows. Pure functions, so the
 * exact output is pinned by tests without a running object.
 */

export interface PlaylistSegment {
  /** The origin's sequence number: names the segment (and its R2 key). */
  sequence: number;
  duration: number;
  /** Program date time of the segment's first frame, epoch ms. */
  pdt: number;
  /** Timestamps do not continue from the previous segment (a reconnect, or a skipped gap). */
  discontinuity: boolean;
}

export interface MediaPlaylist {
  /** Segments in playback order. */
  segments: PlaylistSegment[];
  /** EXT-X-MEDIA-SEQUENCE: the media sequence number of the first segment. */
  mediaSequence: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE: discontinuities that slid out of the window before the first. */
  discontinuitySequence: number;
  /** The nominal segment length of the latency mode; the target never goes below it. */
  nominalDuration: number;
  /** `live` keeps growing; `ended` is a live playlist that will not (ENDLIST); `vod` is a recording. */
  kind: 'live' | 'ended' | 'vod';
  uri: (s: PlaylistSegment) => string;
  /**
   * AES-128 segments: the key's URI. FFmpeg encrypts segment N with IV = N (its sequence number,
   * when the key info file names no IV), which need not equal the playlist's media sequence number
   * after gaps, so each segment gets an EXT-X-KEY with its IV spelled out.
   */
  keyUri?: string;
  /** Low-Latency HLS (`low` mode): parts, blocking reload, hints, reports, delta updates. */
  ll?: LowLatency;
}

const ivOf = (sequence: number) => `0x${sequence.toString(16).padStart(32, '0')}`;

/** Durations to the millisecond: enough for players, and stable text for the same input. */
const secs = (n: number) => n.toFixed(3);

/** Every EXTINF, rounded to the nearest integer, must not exceed the target (RFC 8216 4.3.3.1). */
export const targetDuration = (segments: readonly PlaylistSegment[], nominal: number) =>
  Math.max(nominal, ...segments.map((s) => Math.round(s.duration)));

export function renderMediaPlaylist(p: MediaPlaylist): string {
  const target = targetDuration(p.segments, p.nominalDuration);
  const ll = p.ll;
  const skipped = ll?.skipped ?? 0;
  // EXT-X-SKIP needs version 9; parts and the other LL tags are read by version-6 players.
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${ll ? (skipped > 0 ? 9 : 6) : 3}`, `#EXT-X-TARGETDURATION:${target}`];
  if (ll) lines.push(...llHeadLines(ll, target));
  if (p.kind === 'vod') lines.push('#EXT-X-PLAYLIST-TYPE:VOD');
  lines.push(`#EXT-X-MEDIA-SEQUENCE:${p.mediaSequence}`);
  if (p.discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${p.discontinuitySequence}`);
  if (skipped > 0) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  p.segments.forEach((s, i) => {
    if (i < skipped) return;
    // A discontinuity before the first listed segment is already counted in the sequence above.
    if (s.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
    if (p.keyUri) lines.push(`#EXT-X-KEY:METHOD=AES-128,URI="${p.keyUri}",IV=${ivOf(s.sequence)}`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.pdt).toISOString()}`);
    const parts = ll?.parts.get(s.sequence);
    if (ll && parts) lines.push(...partLines(ll, s.sequence, parts));
    lines.push(`#EXTINF:${secs(s.duration)},`);
    lines.push(p.uri(s));
  });
  if (ll && p.kind === 'live') {
    // The open segment's parts (and the hinted one) belong to segments not listed yet: their key
    // line (and IV) go before them, as a listed segment's go before its own parts.
    let keyed = p.segments.at(-1)?.sequence;
    const keyUri = p.keyUri;
    const keyFor = (sequence: number) => {
      if (!keyUri || sequence === keyed) return null;
      keyed = sequence;
      return `#EXT-X-KEY:METHOD=AES-128,URI="${keyUri}",IV=${ivOf(sequence)}`;
    };
    lines.push(...llTailLines(ll, keyFor));
  }
  if (p.kind !== 'live') lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

export interface Variant {
  uri: string;
  bandwidth: number;
  averageBandwidth?: number | null;
  /** `WxH` */
  resolution?: string | null;
  codecs?: string | null;
  frameRate?: number | null;
}

export function renderMasterPlaylist(variants: readonly Variant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of variants) {
    const attrs = [`BANDWIDTH=${Math.round(v.bandwidth)}`];
    if (v.averageBandwidth) attrs.push(`AVERAGE-BANDWIDTH=${Math.round(v.averageBandwidth)}`);
    if (v.resolution) attrs.push(`RESOLUTION=${v.resolution}`);
    if (v.frameRate) attrs.push(`FRAME-RATE=${v.frameRate.toFixed(3)}`);
    if (v.codecs) attrs.push(`CODECS="${v.codecs}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return `${lines.join('\n')}\n`;
}
