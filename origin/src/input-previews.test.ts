import { createCipheriv } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputPreviews, previewRung } from './input-previews.ts';
import type { Rung } from './ladder.ts';

const rung = (name: Rung['name'], height: number): Rung => ({
  name,
  videoCopy: name === 'source',
  width: Math.round((height * 16) / 9),
  height,
  videoBitrateKbps: null,
  audioCopy: true,
  audioBitrateKbps: 128,
});

async function segFile(dir: string, n: number, body: Uint8Array) {
  const filePath = path.join(dir, `${n}.ts`);
  await writeFile(filePath, body);
  return { localSequence: n, durationS: 2, filePath };
}

describe('input previews', () => {
  it("plays each input's smallest rung", () => {
    expect(previewRung([rung('source', 1080), rung('360p', 360), rung('720p', 720)])?.name).toBe('360p');
    expect(previewRung([rung('source', 360)])?.name).toBe('source');
    expect(previewRung([])).toBeNull();
  });

  it('sends per input in order, one at a time; a failure skips that segment; a backlog keeps the newest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'previews-'));
    const sent: string[] = [];
    let inFlight = 0;
    let release: (() => void) | null = null;
    const gate = new Promise<void>((r) => (release = r));
    const previews = new InputPreviews({
      keyHex: null,
      log: () => undefined,
      send: async (input, n, _d, ts) => {
        inFlight++;
        expect(inFlight).toBe(1);
        if (n === 1) await gate; // the Worker is slow: segments pile up behind the first
        inFlight--;
        if (n === 5) throw new Error('refused');
        sent.push(`${input}:${n}:${ts[1]}`);
      },
    });
    for (let n = 1; n <= 6; n++) await previews.offer('inp_a', await segFile(dir, n, new Uint8Array([0x47, n])));
    release!();
    await previews.idle();
    // 2 and 3 were dropped (only the newest three waited), 5 failed and was skipped.
    expect(sent).toEqual(['inp_a:1:1', 'inp_a:4:4', 'inp_a:6:6']);
    // A file already gone (taken and uploaded) is no segment.
    await previews.offer('inp_a', { localSequence: 9, durationS: 2, filePath: path.join(dir, 'gone.ts') });
    await previews.idle();
    expect(sent).toHaveLength(3);
  });

  it("decrypts an encrypted session's segments (FFmpeg's IV is the ladder's own sequence)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'previews-'));
    const keyHex = '00112233445566778899aabbccddeeff';
    const clear = new Uint8Array(188).fill(7);
    clear[0] = 0x47;
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(42n, 8);
    const c = createCipheriv('aes-128-cbc', Buffer.from(keyHex, 'hex'), iv);
    const enc = Buffer.concat([c.update(clear), c.final()]);
    const got: Uint8Array[] = [];
    const previews = new InputPreviews({
      keyHex,
      log: () => undefined,
      send: async (_i, _n, _d, ts) => void got.push(ts),
    });
    await previews.offer('inp_b', await segFile(dir, 42, enc));
    await previews.idle();
    expect(Buffer.from(got[0]!).equals(Buffer.from(clear))).toBe(true);
  });
});
