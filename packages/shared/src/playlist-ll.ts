/**
 * The Low-Latency HLS half of a live media playlist (RFC 8216bis: EXT-X-PART, EXT-X-PART-INF,
 * EXT-X-SERVER-CONTROL, EXT-X-PRELOAD-HINT, EXT-X-RENDITION-REPORT, EXT-X-SKIP). playlist.ts
 * renders it into the same text as the classic tags, so a player without LL-HLS reads the same
 * playlist as plain HLS (it skips the tags it does not know) and an LL-HLS player gets the parts.
 */

/** The part length the origin aims at in `low` mode: a third of its 1 s segment. */
export const PART_TARGET_S = 1 / 3;

/** How many parts past the newest one a blocking request may ask for (the spec's Advance Part Limit). */
export const ADVANCE_PART_LIMIT = 3;

export interface PlaylistPart {
  duration: number;
  /** The part starts with a keyframe: a player may start decoding there. */
  independent: boolean;
}

export interface RenditionReport {
  uri: string;
  lastMsn: number;
  lastPart: number | null;
}

export interface LowLatency {
  partTarget: number;
  /** Parts of listed segments near the live edge, by the segment's sequence number. */
  parts: ReadonlyMap<number, readonly PlaylistPart[]>;
  /**
   * The segment the origin is writing now: its sequence, the parts it has so far, and whether it
   * follows a discontinuity (a cut between inputs: its parts come after the tag, as its EXTINF will).
   */
  open: { sequence: number; parts: readonly PlaylistPart[]; discontinuity?: boolean } | null;
  /** The next part the origin will write, for EXT-X-PRELOAD-HINT. */
  hint: { sequence: number; part: number } | null;
  partUri: (sequence: number, part: number) => string;
  reports: readonly RenditionReport[];
  /** Segments at the head left out behind EXT-X-SKIP (a delta update asked with `_HLS_skip=YES`). */
  skipped: number;
}

const secs = (n: number) => n.toFixed(3);

/** Players hold back this much from the live edge: three parts (the spec's minimum is two). */
export const partHoldBack = (partTarget: number) => 3 * partTarget;

/** Delta updates may leave out what lies more than six target durations from the end (the spec's minimum). */
export const canSkipUntil = (targetDuration: number) => 6 * targetDuration;

/** Tags for the playlist's head, after EXT-X-TARGETDURATION. */
export function llHeadLines(ll: LowLatency, targetDuration: number): string[] {
  return [
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=${secs(canSkipUntil(targetDuration))},PART-HOLD-BACK=${secs(partHoldBack(ll.partTarget))}`,
    `#EXT-X-PART-INF:PART-TARGET=${secs(ll.partTarget)}`,
  ];
}

export function partLines(ll: LowLatency, sequence: number, parts: readonly PlaylistPart[]): string[] {
  return parts.map(
    (p, i) =>
      `#EXT-X-PART:DURATION=${secs(p.duration)},URI="${ll.partUri(sequence, i)}"${p.independent ? ',INDEPENDENT=YES' : ''}`,
  );
}

/**
 * Tags after the last complete segment: the open segment's parts, the hint, the other renditions.
 * `keyFor` (AES-128) gives the key line a segment's parts need when the last one said another IV;
 * a discontinuity before the open segment comes first, as it would before its EXTINF.
 */
export function llTailLines(ll: LowLatency, keyFor: (sequence: number) => string | null = () => null): string[] {
  const lines: string[] = [];
  const keyed = (sequence: number) => {
    const k = keyFor(sequence);
    if (k) lines.push(k);
  };
  if (ll.open) {
    if (ll.open.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    keyed(ll.open.sequence);
    lines.push(...partLines(ll, ll.open.sequence, ll.open.parts));
  }
  if (ll.hint) {
    keyed(ll.hint.sequence);
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${ll.partUri(ll.hint.sequence, ll.hint.part)}"`);
  }
  for (const r of ll.reports) {
    const part = r.lastPart === null ? '' : `,LAST-PART=${r.lastPart}`;
    lines.push(`#EXT-X-RENDITION-REPORT:URI="${r.uri}",LAST-MSN=${r.lastMsn}${part}`);
  }
  return lines;
}
