import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PART_TARGET_S } from '@edgelive/shared/playlist-ll';
import { findKeyframe, psiPrefix } from './ts-split.ts';

/**
 * LL-HLS on the origin (`low` mode). FFmpeg's HLS muxer has no partial segments, so it is run with
 * `split_by_time` and the part length (partDurationFor): each file it writes is one part, cut at
 * the first frame past each part boundary, keyframe or not. This groups the parts of one rendition back into
 * segments: a segment starts at a part that starts with a keyframe (INDEPENDENT: an IDR slice first,
 * segment-clock.ts) once the open one holds about a segment's length, and is the
 * byte concatenation of its parts (one MPEG-TS muxer wrote them all, so continuity counters and
 * timestamps run on). A part whose keyframe is not its first frame is split there (ts-split.ts). The part is what viewers get first; the segment follows the normal path
 * (upload queue, recording, health) as if FFmpeg had written it.
 */

export interface PartFile {
  /** FFmpeg's number for the part file (continues across FFmpeg runs of the publication). */
  number: number;
  uri: string;
  durationS: number;
  programDateTime: string | null;
}

export interface AssembledPart {
  /** The segment (by the session's sequence) this part belongs to, and its index in it. */
  sequence: number;
  index: number;
  durationS: number;
  independent: boolean;
  body: Buffer;
}

export interface AssembledSegment {
  sequence: number;
  /** File name of the concatenated segment, in the rendition's directory. */
  uri: string;
  durationS: number;
  programDateTime: string | null;
  /** Its first part was the first of an FFmpeg run (after a restart, a cut or a resume). */
  startsRun: boolean;
}

/** In the order a viewer may have them: a part, the segment it completes, the next segment's first part. */
export type Assembled = { kind: 'part'; part: AssembledPart } | { kind: 'segment'; seg: AssembledSegment };

/** Parts of PART_TARGET_S (333 ms in `low` mode), at least three to a segment. */
export const partDurationFor = (segmentDurationS: number) => Math.min(PART_TARGET_S, segmentDurationS / 3);

interface Open {
  sequence: number;
  parts: AssembledPart[];
  durationS: number;
  programDateTime: string | null;
  startsRun: boolean;
  /** Opened right after a segment was closed early (a cut away): it starts mid-GOP. */
  headless: boolean;
}

/** Never a segment longer than this many nominal lengths, keyframe or not (a source without any). */
const MAX_SEGMENT_FACTOR = 10;

export class PartAssembler {
  private open: Open | null = null;
  /** The last segment was closed early: the next one starts wherever the GOP was. */
  private cutEarly = false;
  private readonly dir: string;
  private readonly segmentDurationS: number;
  /** The session's next free sequence number for this rendition, and its setter. */
  private readonly sequences: { next: () => number; take: (n: number) => void };

  constructor(dir: string, segmentDurationS: number, sequences: { next: () => number; take: (n: number) => void }) {
    this.dir = dir;
    this.segmentDurationS = segmentDurationS;
    this.sequences = sequences;
  }

  /**
   * The next part FFmpeg wrote (read, then its file deleted): the parts it makes (two when a
   * keyframe inside it starts a segment: the tail of the open segment, then the new one's first)
   * and the segment it completes, in order.
   */
  async add(p: PartFile, runStart: boolean): Promise<Assembled[]> {
    const file = path.join(this.dir, p.uri);
    const body = await readFile(file);
    await rm(file, { force: true });
    const out: Assembled[] = [];
    const key = findKeyframe(body);
    const o = this.open;
    // A segment closed early (a cut away from its input) leaves the next one without a keyframe
    // at its head: that one ends at the next keyframe, whatever its length, so that every later
    // segment starts on one again (a cut back to this input lands on it).
    const headless = o?.headless === true;
    const full = o !== null && (headless || o.durationS >= this.segmentDurationS * 0.9);
    const tooLong = o !== null && o.durationS >= this.segmentDurationS * MAX_SEGMENT_FACTOR;
    // Split at an inner keyframe once the open segment with the part's head is a segment long.
    const fullAtKey =
      o !== null && key !== null && (headless || o.durationS + key.headS >= this.segmentDurationS * 0.9);
    if (o && key && !key.first && fullAtKey && !runStart) {
      // The keyframe is inside this part: its head ends the open segment, the rest starts the next.
      const headS = Math.min(key.headS, p.durationS);
      out.push({ kind: 'part', part: this.append(body.subarray(0, key.offset), headS, false) });
      const s = await this.close();
      if (s) out.push({ kind: 'segment', seg: s });
      const tail = Buffer.concat([psiPrefix(body), body.subarray(key.offset)]);
      const first = this.append(tail, Math.max(0.001, p.durationS - headS), true, p.programDateTime, false);
      out.push({ kind: 'part', part: first });
      return out;
    }
    const independent = key?.first === true;
    if (o && (runStart || (independent && full) || tooLong)) {
      const s = await this.close();
      if (s) out.push({ kind: 'segment', seg: s });
    }
    out.push({ kind: 'part', part: this.append(body, p.durationS, independent, p.programDateTime, runStart) });
    return out;
  }

  private append(body: Buffer, durationS: number, independent: boolean, pdt: string | null = null, runStart = false) {
    if (!this.open) {
      const sequence = this.sequences.next();
      this.sequences.take(sequence + 1);
      this.open = {
        sequence,
        parts: [],
        durationS: 0,
        programDateTime: pdt,
        startsRun: runStart,
        headless: this.cutEarly,
      };
      this.cutEarly = false;
    }
    const open = this.open;
    const part = { sequence: open.sequence, index: open.parts.length, durationS, independent, body };
    open.parts.push(part);
    open.durationS += durationS;
    return part;
  }

  /**
   * The parts of the open segment so far, when it starts on a keyframe (else none: a player
   * could not start there). A cut to this input sends them at once: the new program's first
   * segment is the one being written, whose head is already made.
   */
  openParts(): AssembledPart[] {
    const parts = this.open?.parts ?? [];
    return parts[0]?.independent ? [...parts] : [];
  }

  /**
   * Closes the open segment: the end of the publication or of an FFmpeg run, or (`early`) a cut
   * away from the input, after which the next segment ends at the next keyframe.
   */
  async close(early = false): Promise<AssembledSegment | null> {
    const o = this.open;
    this.open = null;
    if (early && o) this.cutEarly = true;
    if (!o || o.parts.length === 0) return null;
    const uri = `${o.sequence}.ts`;
    await writeFile(path.join(this.dir, uri), Buffer.concat(o.parts.map((p) => p.body)));
    return {
      sequence: o.sequence,
      uri,
      durationS: o.durationS,
      programDateTime: o.programDateTime,
      startsRun: o.startsRun,
    };
  }
}
