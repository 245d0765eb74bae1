/**
 * Where an H.264 keyframe starts in an MPEG-TS part (LL-HLS, part-assembler.ts). FFmpeg's HLS
 * muxer cuts parts at a time measured from the variant's first packet, which for a rung with
 * re-encoded audio is an AAC frame or two before its first video frame: its parts then end a frame
 * after each keyframe instead of at it. Splitting the part at the keyframe's PES gives the segment
 * its keyframe-first start whatever the muxer did. Read from the bitstream (an IDR slice, NAL
 * type 5), since FFmpeg leaves the random access indicator off keyframes that
 * `-force_key_frames source` placed (checked on FFmpeg 5.1).
 */
const TS = 188;

export interface Keyframe {
  /** Byte offset of the TS packet where the keyframe's PES starts. */
  offset: number;
  /** It is the part's first video frame: the part is INDEPENDENT as it is. */
  first: boolean;
  /** Seconds of video before it in the part (by PTS). */
  headS: number;
}

interface Pes {
  offset: number;
  pts: number | null;
  es: number[];
}

const ptsOf = (b: Uint8Array, p: number) =>
  (b[p]! & 0x0e) * 2 ** 29 + ((b[p + 1]! << 7) | (b[p + 2]! >> 1)) * 2 ** 15 + ((b[p + 3]! << 7) | (b[p + 4]! >> 1));

function isIdr(es: readonly number[]): boolean {
  for (let i = 0; i + 3 < es.length; i++) {
    if (es[i] !== 0 || es[i + 1] !== 0 || es[i + 2] !== 1) continue;
    const type = es[i + 3]! & 0x1f;
    if (type === 5) return true;
    if (type === 1) return false;
  }
  return false;
}

/** The first keyframe in the part, or null when it has none. */
export function findKeyframe(ts: Uint8Array): Keyframe | null {
  let videoPid = -1;
  let firstPts: number | null = null;
  let pes: Pes | null = null;
  let count = 0;
  const done = (p: Pes | null): Keyframe | null =>
    p && isIdr(p.es)
      ? {
          offset: p.offset,
          first: count === 1,
          headS: p.pts !== null && firstPts !== null ? Math.max(0, (p.pts - firstPts) / 90_000) : 0,
        }
      : null;
  for (let off = 0; off + TS <= ts.length; off += TS) {
    if (ts[off] !== 0x47) break;
    const pusi = (ts[off + 1]! & 0x40) !== 0;
    const pid = ((ts[off + 1]! & 0x1f) << 8) | ts[off + 2]!;
    const afc = (ts[off + 3]! >> 4) & 0x3;
    if (!(afc & 0x1)) continue;
    let p = off + 4 + (afc & 0x2 ? 1 + ts[off + 4]! : 0);
    if (pusi && p + 9 <= off + TS && ts[p] === 0 && ts[p + 1] === 0 && ts[p + 2] === 1) {
      const streamId = ts[p + 3]!;
      if (streamId < 0xe0 || streamId > 0xef || (videoPid !== -1 && pid !== videoPid)) continue;
      videoPid = pid;
      const found = done(pes);
      if (found) return found;
      const pts = ts[p + 7]! & 0x80 && p + 14 <= off + TS ? ptsOf(ts, p + 9) : null;
      if (firstPts === null) firstPts = pts;
      pes = { offset: off, pts, es: [] };
      count++;
      p += 9 + ts[p + 8]!;
    } else if (pid !== videoPid || !pes) continue;
    // The slice types come in the first bytes of the access unit: no need to read the whole frame.
    if (pes.es.length < 4096) for (let i = p; i < off + TS; i++) pes.es.push(ts[i]!);
  }
  return done(pes);
}

/** The part's leading PSI packets (SDT, PAT, PMT): what a piece cut from its middle needs in front. */
export function psiPrefix(ts: Uint8Array): Uint8Array {
  let off = 0;
  for (; off + TS <= ts.length; off += TS) {
    const afc = (ts[off + 3]! >> 4) & 0x3;
    const p = off + 4 + (afc & 0x2 ? 1 + ts[off + 4]! : 0);
    if (afc & 0x1 && ts[p] === 0 && ts[p + 1] === 0 && ts[p + 2] === 1) break;
  }
  return ts.subarray(0, off);
}
