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
        // 4 s of media: four 1 s segments numbered from the session's next sequence, each 3 parts.
        expect(mine.map((s) => s.sequence)).toEqual([10, 11, 12, 13]);
        for (const s of mine) expect(s.durationS).toBeCloseTo(1, 1);
        expect(mine[0]!.startsRun).toBe(true);
        const parts = sent.filter((p) => p.rendition === r.name);
        expect(parts.filter((p) => p.part === 0).every((p) => p.independent)).toBe(true);
        expect(parts.filter((p) => p.part > 0).some((p) => p.independent)).toBe(false);
        expect(parts.length).toBeGreaterThanOrEqual(12);
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
});
