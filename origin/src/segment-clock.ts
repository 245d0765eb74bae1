import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * When was a segment's first frame published? FFmpeg's own EXT-X-PROGRAM-DATE-TIME is the wall
 * clock when its HLS muxer started, which is after it has probed the input (seconds of it), so it
 * stamps every segment late by that probe time. The publisher's media clock does not have that
 * error: NGINX-RTMP passes the publisher's timestamps through to FFmpeg unchanged (tested: a
 * subscriber that joins 3 s in reads a start of 2.9 s), FFmpeg keeps them (`-copyts`), and the
 * publisher's timestamps start at (about) 0 when it sends `publish`, which is when NGINX calls the
 * agent's on_publish. So a segment whose first frame has publisher time t was published at
 *
 *   pdt = on_publish wall clock + t,   t = first video PTS − the MPEG-TS muxer's fixed offset
 *
 * which holds across FFmpeg restarts (the publisher's clock goes on) and is renewed by a reconnect
 * (a new publish, a new clock). `-use_wallclock_as_timestamps` would also avoid the probe delay,
 * but it replaces the publisher's frame timing with packet arrival jitter, in copied video too.
 */

/** FFmpeg's mpegts muxer adds 2 × max_delay to every PTS unless told otherwise; the command sets `-muxdelay`. */
export const MUX_DELAY_S = 0.7;
export const MPEGTS_PTS_OFFSET_S = 2 * MUX_DELAY_S;

/** 33-bit PTS at 90 kHz wraps about every 26.5 h. */
const PTS_WRAP_S = 2 ** 33 / 90_000;
/**
 * FFmpeg's stamp is late by its probe time, a few seconds at most. A computed time further than
 * this from it means the publisher's clock did not start near 0 (a relay re-sending old timestamps):
 * FFmpeg's stamp is then the better of the two.
 */
const MAX_SKEW_MS = 30_000;

const TS_PACKET = 188;

/** The PTS (90 kHz ticks) of the first video PES in an MPEG-TS byte prefix, or null. */
export function firstVideoPts(ts: Uint8Array): number | null {
  for (let off = 0; off + TS_PACKET <= ts.length; off += TS_PACKET) {
    if (ts[off] !== 0x47) return null;
    const b1 = ts[off + 1]!;
    const payloadStart = (b1 & 0x40) !== 0;
    const afc = (ts[off + 3]! >> 4) & 0x3;
    if (!payloadStart || !(afc & 0x1)) continue;
    let p = off + 4;
    if (afc & 0x2) p += 1 + ts[off + 4]!;
    if (p + 14 > off + TS_PACKET) continue;
    // PES start code, then a video stream id (0xE0–0xEF).
    if (ts[p] !== 0 || ts[p + 1] !== 0 || ts[p + 2] !== 1) continue;
    const streamId = ts[p + 3]!;
    if (streamId < 0xe0 || streamId > 0xef) continue;
    if (!(ts[p + 7]! & 0x80)) return null;
    const b = ts.subarray(p + 9, p + 14);
    return (b[0]! & 0x0e) * 2 ** 29 + ((b[1]! << 7) | (b[2]! >> 1)) * 2 ** 15 + ((b[3]! << 7) | (b[4]! >> 1));
  }
  return null;
}

/** FFmpeg's AES-128 segments: CBC over the whole file, IV = the segment's sequence number (no IV line). */
export function decryptSegment(data: Uint8Array, keyHex: string, sequence: number, whole: boolean): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(sequence), 8);
  const d = createDecipheriv('aes-128-cbc', Buffer.from(keyHex, 'hex'), iv);
  // A prefix (for the PTS) is cut to whole blocks and has no padding to strip.
  d.setAutoPadding(whole);
  const body = whole ? data : data.subarray(0, data.length - (data.length % 16));
  return Buffer.concat([d.update(body), d.final()]);
}

/**
 * The same cipher the other way, for what the agent writes itself: LL-HLS parts and the segments
 * grouped from them (FFmpeg writes those in the clear, since the agent must read their frames).
 * Each part is a resource of its own, so it is encrypted on its own with its segment's IV, as
 * players decrypt a part (the segment's EXT-X-KEY applies to its parts).
 */
export function encryptSegment(data: Uint8Array, keyHex: string, sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(sequence), 8);
  const c = createCipheriv('aes-128-cbc', Buffer.from(keyHex, 'hex'), iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** The program date time (ISO 8601) a segment gets, from the publish time and its first PTS. */
export function segmentPdt(publishedAtMs: number, pts: number | null, ffmpegPdt: string | null): string | null {
  if (pts === null) return ffmpegPdt;
  const base = publishedAtMs + (pts / 90_000 - MPEGTS_PTS_OFFSET_S) * 1000;
  const reference = ffmpegPdt ? Date.parse(ffmpegPdt) : Date.now();
  // Past a PTS wrap the publisher time is a whole number of wraps on: take the one nearest FFmpeg's.
  const wraps = Math.round((reference - base) / (PTS_WRAP_S * 1000));
  const ms = base + wraps * PTS_WRAP_S * 1000;
  if (Math.abs(ms - reference) > MAX_SKEW_MS) return ffmpegPdt;
  return new Date(Math.round(ms)).toISOString();
}
