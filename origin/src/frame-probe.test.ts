import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { frameStats, probeFrames } from './frame-probe.ts';

const run = promisify(execFile);

describe('frame probe', () => {
  it('reads frame rate and keyframe spacing from packet lines', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${(i / 30).toFixed(6)},${i % 30 === 0 ? 'K__' : '___'}`);
    expect(frameStats(lines.join('\n'), 2)).toEqual({ frameRate: 30, keyframeIntervalS: 1 });
    // One keyframe: the segment is one group of pictures.
    expect(frameStats('0.0,K__\n0.04,___\n', 2).keyframeIntervalS).toBe(2);
    expect(frameStats('', 2)).toEqual({ frameRate: null, keyframeIntervalS: null });
  });

  it('measures a real segment made by FFmpeg (25 fps, a keyframe every 0.5 s)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-frames-'));
    const file = path.join(dir, 'seg.ts');
    try {
      await run('ffmpeg', [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x180:rate=25',
        '-t',
        '2',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-g',
        '12',
        '-keyint_min',
        '12',
        '-sc_threshold',
        '0',
        '-f',
        'mpegts',
        file,
      ]);
      const f = await probeFrames(file, 2);
      expect(f.frameRate).toBe(25);
      expect(f.keyframeIntervalS).toBeCloseTo(0.48, 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
