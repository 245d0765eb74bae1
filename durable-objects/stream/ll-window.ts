import { SEGMENT_SECONDS } from '@edgelive/shared/live-timing';
import { targetDuration } from '@edgelive/shared/playlist';
import {
  ADVANCE_PART_LIMIT,
  canSkipUntil,
  type LowLatency,
  PART_TARGET_S,
  type PlaylistPart,
  type RenditionReport,
} from '@edgelive/shared/playlist-ll';
import type { StreamConfig } from './contract';
import type { PartLog } from './part-log';
import type { SegmentLog, Window } from './segment-log';

/**
 * Where a rendition's live edge is, in the player's terms (media sequence numbers and part
 * indexes), and the LL-HLS half of its playlist (packages/shared/src/playlist-ll.ts).
 *
 * The segment being written has no msn yet (segment-log.ts gives one when it is listed). Its parts
 * are shown only when it is the direct successor of the last listed segment, so the msn a player
 * infers for them (the last one plus one) is the msn the segment will get.
 */
export interface Edge {
  /** The last listed segment (and how many parts it had), or null before the first. */
  last: { msn: number; sequence: number; parts: number } | null;
  /** The open segment: its future msn and the parts it has so far (at least one). */
  open: { msn: number; sequence: number; parts: PlaylistPart[] } | null;
}

export interface BlockingRequest {
  msn: number;
  part?: number;
}

/**
 * LL-HLS applies to `low` sessions whose origin sends parts (an older origin sent none for
 * AES-128 sessions; a newer one encrypts each part on its own with its segment's IV).
 */
export const lowLatencyApplies = (cfg: StreamConfig, parts: PartLog, sessionId: string, rendition: string) =>
  cfg.latencyMode === 'low' && parts.any(sessionId, rendition);

export function edgeOf(log: SegmentLog, parts: PartLog, sessionId: string, rendition: string): Edge {
  const w = log.window(sessionId, rendition, 1);
  const seg = w.segments[0];
  const last = seg
    ? { msn: w.mediaSequence, sequence: seg.sequence, parts: parts.partsOf(sessionId, rendition, seg.sequence).length }
    : null;
  const nextSequence = last ? last.sequence + 1 : parts.firstSequence(sessionId, rendition);
  if (nextSequence === null || log.has(sessionId, rendition, nextSequence)) return { last, open: null };
  const p = parts.partsOf(sessionId, rendition, nextSequence);
  return { last, open: p.length ? { msn: last ? last.msn + 1 : 0, sequence: nextSequence, parts: p } : null };
}

/** The request's segment (or part) is in the playlist now, or a later one is. */
export function satisfied(e: Edge, req: BlockingRequest): boolean {
  const lastMsn = e.last?.msn ?? -1;
  if (lastMsn > req.msn) return true;
  if (req.part === undefined) return lastMsn >= req.msn;
  if (e.open && e.open.msn === req.msn) return e.open.parts.length > req.part;
  // Segment msn is complete: a part past its end means "the next one", the open segment's first.
  if (lastMsn === req.msn) return e.open !== null;
  return false;
}

/** RFC 8216bis 6.2.5.2: more than two segments, or the Advance Part Limit, past the edge is a 400. */
export function tooFar(e: Edge, req: BlockingRequest): boolean {
  const lastMsn = e.open?.msn ?? e.last?.msn ?? -1;
  if (req.msn > lastMsn + 2) return true;
  if (req.part === undefined || req.msn !== lastMsn) return false;
  // The playlist's last part: the open segment's, or (none open yet) the last listed segment's, whose
  // next part index a player asks for to mean the next segment's first (satisfied, above).
  const known = (e.open ? e.open.parts.length : (e.last?.parts ?? 0)) - 1;
  return req.part > known + ADVANCE_PART_LIMIT;
}

/** The newest msn and part of a rendition, for the other renditions' EXT-X-RENDITION-REPORT. */
export function reportOf(
  e: Edge,
  uri: string,
  parts: PartLog,
  sessionId: string,
  rendition: string,
): RenditionReport | null {
  if (e.open) return { uri, lastMsn: e.open.msn, lastPart: e.open.parts.length - 1 };
  if (!e.last) return null;
  const n = parts.partsOf(sessionId, rendition, e.last.sequence).length;
  return { uri, lastMsn: e.last.msn, lastPart: n ? n - 1 : null };
}

export function lowLatencyOf(
  log: SegmentLog,
  parts: PartLog,
  cfg: StreamConfig,
  sessionId: string,
  rendition: string,
  w: Window,
  skip: boolean,
): LowLatency {
  const target = targetDuration(w.segments, SEGMENT_SECONDS[cfg.latencyMode]);
  const edge = edgeOf(log, parts, sessionId, rendition);
  // Parts of the listed segments within three target durations of the end (the spec's minimum).
  const near = new Map<number, PlaylistPart[]>();
  let fromEnd = 0;
  for (let i = w.segments.length - 1; i >= 0 && fromEnd < 3 * target; i--) {
    const s = w.segments[i]!;
    const p = parts.partsOf(sessionId, rendition, s.sequence);
    if (p.length) near.set(s.sequence, p);
    fromEnd += s.duration;
  }
  const reports: RenditionReport[] = [];
  for (const other of cfg.ladder) {
    if (other === rendition) continue;
    const r = reportOf(edgeOf(log, parts, sessionId, other), `${other}.m3u8`, parts, sessionId, other);
    if (r) reports.push(r);
  }
  const nextSequence = edge.open?.sequence ?? (edge.last ? edge.last.sequence + 1 : null);
  // The next part is the following segment's first once the origin started it (a part of it was
  // committed: the open segment is complete, its own upload still on the way). After a cut that
  // is the new input's first part, not a part of the old one's last segment that never comes.
  const following = edge.open && parts.partsOf(sessionId, rendition, edge.open.sequence + 1).length > 0;
  const longest = Math.ceil(parts.longest(sessionId, rendition) * 1000) / 1000;
  return {
    partTarget: Math.max(Math.round(PART_TARGET_S * 1000) / 1000, longest),
    parts: near,
    open: edge.open
      ? {
          sequence: edge.open.sequence,
          parts: edge.open.parts,
          // Before the first listed segment a discontinuity is nothing to mark (it is counted there).
          discontinuity: edge.last !== null && parts.discontinuous(sessionId, rendition, edge.open.sequence),
        }
      : null,
    hint:
      nextSequence === null
        ? null
        : following
          ? { sequence: nextSequence + 1, part: 0 }
          : { sequence: nextSequence, part: edge.open?.parts.length ?? 0 },
    partUri: (sequence, part) => `${rendition}/${sequence}.${part}.ts`,
    reports,
    skipped: skip ? skippable(w, target) : 0,
  };
}

/** Leading segments that start more than CAN-SKIP-UNTIL before the playlist's end. */
function skippable(w: Window, target: number): number {
  let total = w.segments.reduce((n, s) => n + s.duration, 0);
  let n = 0;
  for (const s of w.segments) {
    if (total <= canSkipUntil(target)) break;
    total -= s.duration;
    n++;
  }
  return n;
}
