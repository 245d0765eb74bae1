import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs } from './ffmpeg-command.ts';
import { parseMediaPlaylist } from './hls-playlist.ts';
import { resolveLadder } from './ladder.ts';
import { type Assembled, type AssembledSegment, PartAssembler, partDurationFor } from './part-assembler.ts';

const run = promisify(execFile);

/**
 * The pipeline's own FFmpeg command in LL-HLS mode (parts of a third of a second) on a 4 s
 * 30 fps source with a source copy and an encoded rung, grouped by the agent: every segment starts
 * with an INDEPENDENT part, is its parts' bytes end to end, and decodes on its own.
 */
describe('LL-HLS parts from FFmpeg', () => {
  it('groups parts into keyframe-aligned segments, in order with the parts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-parts-'));
    try {
      const src = path.join(dir, 'src.flv');
      await run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast'],
        ...['-g', '30', '-bf', '0', '-c:a', 'aac', '-f', 'flv', src],
      ]);
      const input = {
        videoCodec: 'h264',
        audioCodec: 'aac',
        width: 640,
        height: 360,
        frameRate: 30,
        bitrateKbps: 1000,
      };
      const rungs = resolveLadder([{ name: 'source' }, { name: '240p' }], input);
      for (const r of rungs) await mkdir(path.join(dir, r.name), { recursive: true });
      const args = buildFfmpegArgs({
        inputUrl: src,
        outputDir: dir,
        latencyMode: 'low',
        segmentDurationS: 1,
        startNumber: 0,
        frameRate: 30,
        hasAudio: true,
        rungs,
        thumbnailIntervalS: 2,
        partDurationS: partDurationFor(1),
      });
      await run('ffmpeg', args);

      const sent: { rendition: string; sequence: number; part: number; independent: boolean }[] = [];
      const segments: (AssembledSegment & { rendition: string })[] = [];
      for (const r of rungs) {
        let next = 10;
        const asm = new PartAssembler(path.join(dir, r.name), 1, { next: () => next, take: (n) => (next = n) });
        const text = await readFile(path.join(dir, r.name, 'index.m3u8'), 'utf8');
        const outputs: Assembled[] = [];
        for (const p of parseMediaPlaylist(text).segments)
          outputs.push(...(await asm.add({ number: p.sequence, ...p }, p.sequence === 0)));
        const last = await asm.close();
        if (last) outputs.push({ kind: 'segment', seg: last });
        for (const o of outputs) {
          if (o.kind === 'segment') segments.push({ ...o.seg, rendition: r.name });
          else
            sent.push({
              rendition: r.name,
              sequence: o.part.sequence,
              part: o.part.index,
              independent: o.part.independent,
            });
        }
      }

      for (const r of rungs) {
        const mine = segments.filter((s) => s.rendition === r.name);
        // 4 s of media: four 1 s segments numbered from the session's next sequence, each of its parts.
        expect(mine.map((s) => s.sequence)).toEqual([10, 11, 12, 13]);
        for (const s of mine) expect(s.durationS).toBeCloseTo(1, 1);
        expect(mine[0]!.startsRun).toBe(true);
        const parts = sent.filter((p) => p.rendition === r.name);
        expect(parts.filter((p) => p.part === 0).every((p) => p.independent)).toBe(true);
        expect(parts.filter((p) => p.part > 0).some((p) => p.independent)).toBe(false);
        expect(parts.length).toBeGreaterThanOrEqual(4 / partDurationFor(1));
        // A segment made of parts decodes alone: 30 frames, the first a keyframe.
        const { stdout } = await run('ffprobe', [
          ...['-v', 'error', '-select_streams', 'v', '-show_entries', 'frame=key_frame', '-of', 'csv=p=0'],
          path.join(dir, r.name, '11.ts'),
        ]);
        const keys = stdout.trim().split('\n');
        expect(keys).toHaveLength(30);
        expect(keys[0]).toBe('1');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('ends a segment early on a cut away, and starts the next one on a keyframe again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-cut-parts-'));
    try {
      const src = path.join(dir, 'src.flv');
      await run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-t', '4'],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-bf', '0', '-f', 'flv', src],
      ]);
      const input = { videoCodec: 'h264', audioCodec: null, width: 320, height: 180, frameRate: 30, bitrateKbps: 500 };
      const rungs = resolveLadder([{ name: 'source' }], input);
      await mkdir(path.join(dir, 'source'), { recursive: true });
      await run(
        'ffmpeg',
        buildFfmpegArgs({
          inputUrl: src,
          outputDir: dir,
          latencyMode: 'low',
          segmentDurationS: 1,
          startNumber: 0,
          frameRate: 30,
          hasAudio: false,
          rungs,
          thumbnailIntervalS: 2,
          partDurationS: partDurationFor(1),
        }),
      );
      let next = 0;
      const asm = new PartAssembler(path.join(dir, 'source'), 1, { next: () => next, take: (n) => (next = n) });
      const text = await readFile(path.join(dir, 'source', 'index.m3u8'), 'utf8');
      const heads = new Map<number, boolean>();
      const segments: AssembledSegment[] = [];
      let cutAt: AssembledSegment | null = null;
      for (const p of parseMediaPlaylist(text).segments) {
        for (const o of await asm.add({ number: p.sequence, ...p }, p.sequence === 0)) {
          if (o.kind === 'segment') segments.push(o.seg);
          else if (o.part.index === 0) heads.set(o.part.sequence, o.part.independent);
        }
        // The cut: segment 1 has two parts, from its keyframe; a cut to this input would send them.
        const open = asm.openParts();
        if (!cutAt && open[0]?.sequence === 1 && open.length === 2) {
          expect(open.map((x) => [x.index, x.independent])).toEqual([
            [0, true],
            [1, false],
          ]);
          cutAt = await asm.close(true);
          // Off air now: the next segment starts mid-GOP, and a cut back would not be offered it.
        } else if (cutAt && heads.get(2) === false && next === 3) expect(asm.openParts()).toEqual([]);
      }
      const last = await asm.close();
      if (last) segments.push(last);
      expect(cutAt?.sequence).toBe(1);
      const part = partDurationFor(1);
      expect(cutAt?.durationS).toBeCloseTo(2 * part, 1);
      // Segment 2 is the rest of that GOP (headless), ended by the next keyframe; all later ones start on one.
      expect(heads.get(2)).toBe(false);
      expect(segments.find((x) => x.sequence === 2)?.durationS).toBeCloseTo(1 - 2 * part, 1);
      const later = [...heads.entries()].filter(([seq]) => seq > 2);
      expect(later.length).toBeGreaterThanOrEqual(2);
      expect(later.every(([, independent]) => independent)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
