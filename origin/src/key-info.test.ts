import { execFileSync } from 'node:child_process';
import { createDecipheriv } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeKeyInfo } from './key-info.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'edgelive-keyinfo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('AES-128 key info', () => {
  it('writes nothing for a clear session', async () => {
    expect(await writeKeyInfo(dir, null)).toBeNull();
  });

  it("makes FFmpeg encrypt each segment with the session key and IV = the segment's sequence number", async () => {
    const keyHex = '00112233445566778899aabbccddeeff';
    const info = await writeKeyInfo(dir, { method: 'AES-128', key_hex: keyHex });
    expect(info).not.toBeNull();
    expect(statSync(info!).mode & 0o777).toBe(0o600);
    const out = path.join(dir, 'hls');
    execFileSync('mkdir', ['-p', out]);
    // Three 1 s segments numbered from 7, as a resumed session would number them.
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=10',
      '-t',
      '3',
      '-c:v',
      'libx264',
      '-g',
      '10',
      '-f',
      'hls',
      '-hls_time',
      '1',
      '-hls_segment_type',
      'mpegts',
      '-hls_key_info_file',
      info!,
      '-start_number',
      '7',
      '-hls_segment_filename',
      path.join(out, '%d.ts'),
      path.join(out, 'index.m3u8'),
    ]);
    const segs = readdirSync(out).filter((f) => f.endsWith('.ts'));
    expect(segs).toContain('7.ts');
    for (const name of segs) {
      const seq = Number(name.slice(0, -3));
      const iv = Buffer.alloc(16);
      iv.writeBigUInt64BE(BigInt(seq), 8);
      const d = createDecipheriv('aes-128-cbc', Buffer.from(keyHex, 'hex'), iv);
      const clear = Buffer.concat([d.update(readFileSync(path.join(out, name))), d.final()]);
      // Decrypted with the per-sequence IV, it is MPEG-TS again: a sync byte every 188 bytes.
      expect(clear[0]).toBe(0x47);
      expect(clear[188]).toBe(0x47);
    }
  });
});
