import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The average colour of a segment's first video frame (FFmpeg scales it to one pixel), as [r, g, b]. */
export function firstFrameColour(bytes: Uint8Array): [number, number, number] {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgelive-picture-'));
  try {
    const file = path.join(dir, 'segment.ts');
    writeFileSync(file, bytes);
    const out = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-frames:v', '1', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
      { maxBuffer: 1024 },
    );
    return [out[0] ?? 0, out[1] ?? 0, out[2] ?? 0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A solid blue test pattern (`color=c=blue`) as opposed to testsrc2's many colours. */
export const isBlue = ([r, g, b]: [number, number, number]) => b > 180 && r < 60 && g < 60;
