import { execFile } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decryptSegment, encryptSegment, firstVideoPts, MPEGTS_PTS_OFFSET_S, segmentPdt } from './segment-clock.ts';

const run = promisify(execFile);

/** One 188-byte TS packet starting a PES of `streamId` with the given PTS (90 kHz). */
function pesPacket(pid: number, streamId: number, pts: number): Buffer {
  const p = Buffer.alloc(188, 0xff);
  p[0] = 0x47;
  p[1] = 0x40 | (pid >> 8);
  p[2] = pid & 0xff;
  p[3] = 0x10;
  const pes = [0, 0, 1, streamId, 0, 0, 0x80, 0x80, 5];
  const hi = Math.floor(pts / 2 ** 30) & 0x7;
  const mid = Math.floor(pts / 2 ** 15) & 0x7fff;
  const lo = pts & 0x7fff;
  pes.push(0x21 | (hi << 1), mid >> 7, ((mid & 0x7f) << 1) | 1, lo >> 7, ((lo & 0x7f) << 1) | 1);
  Buffer.from(pes).copy(p, 4);
  return p;
}

const pat = () => Buffer.concat([Buffer.from([0x47, 0x40, 0x00, 0x10]), Buffer.alloc(184, 0xff)]);

describe('firstVideoPts', () => {
  it('reads the first video PES, past tables and audio', () => {
    const pts = 2 ** 32 + 123_457; // above 32 bits: the top bits count
    const ts = Buffer.concat([pat(), pesPacket(0x101, 0xc0, 999), pesPacket(0x100, 0xe0, pts)]);
    expect(firstVideoPts(ts)).toBe(pts);
  });

  it('finds nothing in a prefix without video, or in bytes that are not TS', () => {
    expect(firstVideoPts(Buffer.concat([pat(), pesPacket(0x101, 0xc0, 5)]))).toBeNull();
    expect(firstVideoPts(Buffer.alloc(400, 1))).toBeNull();
  });
});

describe('decryptSegment', () => {
  it("undoes FFmpeg's AES-128 (IV = sequence), a block-aligned prefix too", () => {
    const key = '00112233445566778899aabbccddeeff';
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(7n, 8);
    const clear = Buffer.concat([pat(), pesPacket(0x100, 0xe0, 90_000)]);
    const c = createCipheriv('aes-128-cbc', Buffer.from(key, 'hex'), iv);
    const enc = Buffer.concat([c.update(clear), c.final()]);
    expect(decryptSegment(enc, key, 7, true).equals(clear)).toBe(true);
    expect(firstVideoPts(decryptSegment(enc.subarray(0, 400), key, 7, false))).toBe(90_000);
  });
});

describe('encryptSegment', () => {
  it('encrypts an LL-HLS part on its own so that another AES-128 implementation (FFmpeg) reads it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-part-aes-'));
    try {
      const clear = path.join(dir, 'part.ts');
      await run('ffmpeg', [
        ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=30', '-frames:v', '6'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mpegts', clear],
      ]);
      const key = '00112233445566778899aabbccddeeff';
      const enc = encryptSegment(await readFile(clear), key, 41);
      expect(enc.length % 16).toBe(0);
      expect(enc[0]).not.toBe(0x47);
      await writeFile(path.join(dir, 'part.enc'), enc);
      // FFmpeg's crypto protocol: the key, and the IV a playlist says for segment 41 (and its parts).
      const iv = (41).toString(16).padStart(32, '0');
      const { stdout } = await run('ffprobe', [
        ...['-v', 'error', '-key', key, '-iv', iv, '-count_frames', '-select_streams', 'v'],
        ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', `crypto:${path.join(dir, 'part.enc')}`],
      ]);
      // (one line per program and per stream: every one counts the six frames)
      expect(new Set(stdout.split('\n').filter(Boolean))).toEqual(new Set(['6']));
      expect(decryptSegment(enc, key, 41, true).equals(await readFile(clear))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('segmentPdt', () => {
  const published = Date.parse('2026-11-21T10:00:00.000Z');
  const pts = (publisherS: number) => Math.round((publisherS + MPEGTS_PTS_OFFSET_S) * 90_000);

  it('dates a segment by the publish time plus its publisher time, not by FFmpeg’s late stamp', () => {
    // FFmpeg joined and probed for 2.5 s: its stamp for the frame published at +10 s says +12.5 s.
    expect(segmentPdt(published, pts(10), '2026-11-21T10:00:12.500Z')).toBe('2026-11-21T10:00:10.000Z');
  });

  it('follows the PTS across its 26.5 h wrap', () => {
    const wrapS = 2 ** 33 / 90_000;
    const ffmpeg = new Date(published + (wrapS + 5) * 1000).toISOString();
    const got = Date.parse(segmentPdt(published, pts(5), ffmpeg)!);
    expect(got - published).toBeCloseTo((wrapS + 5) * 1000, -1);
  });

  it("keeps FFmpeg's stamp when the publisher's clock did not start near the publish, or there is no PTS", () => {
    const ffmpeg = '2026-11-21T10:00:12.500Z';
    expect(segmentPdt(published, pts(3600), ffmpeg)).toBe(ffmpeg);
    expect(segmentPdt(published, null, ffmpeg)).toBe(ffmpeg);
  });
});
