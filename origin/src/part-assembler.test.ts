import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs } from './ffmpeg-command.ts';
import { resolveLadder } from './ladder.ts';
import { LlParts, partDurationFor } from './ll-parts.ts';
import type { AssembledSegment } from './part-assembler.ts';
import type { WorkerClient } from './worker-client.ts';

const run = promisify(execFile);

/**
 * The pipeline's own FFmpeg command in LL-HLS mode (parts of a third of a second) on a 4 s
 * 30 fps source with a source copy and an encoded rung, grouped by the agent: every segment starts
 * with an INDEPENDENT part, is its parts' bytes end to end, and decodes on its own.
 */
describe('LL-HLS parts from FFmpeg', () => {
  it('groups parts into keyframe-aligned segments and sends every part', async () => {
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
      const client = {
        putPart: async (u: { rendition: string; sequence: number; part: number; independent: boolean }) => {
          sent.push({ rendition: u.rendition, sequence: u.sequence, part: u.part, independent: u.independent });
        },
      } as unknown as WorkerClient;
      const next = new Map<string, number>();
      const ll = new LlParts({
        client,
        streamId: 'str_x',
        sessionId: 'ses_x',
        dir,
        segmentDurationS: 1,
        log: () => undefined,
        sequences: (name) => ({ next: () => next.get(name) ?? 10, take: (n) => next.set(name, n) }),
      });
      expect(ll.newRun()).toBe(0);
      const segments: (AssembledSegment & { rendition: string })[] = [];
      for (const r of rungs) {
        const text = await readFile(path.join(dir, r.name, 'index.m3u8'), 'utf8');
        await ll.scan(r.name, text, async (seg) => void segments.push({ ...seg, rendition: r.name }));
      }
      await ll.flush(async (rendition, seg) => void segments.push({ ...seg, rendition }));
      await ll.settled();

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
