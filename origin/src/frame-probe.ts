import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FrameStats {
  /** Video frames per second of media. */
  frameRate: number | null;
  /** Mean seconds between the segment's keyframes (null: no keyframe in it). */
  keyframeIntervalS: number | null;
}

/**
 * Frame rate and keyframe spacing of one segment, from its video packets (ffprobe reads the
 * packet headers only, no decoding: a few tens of milliseconds for a 2 s segment).
 */
export async function probeFrames(file: string, durationS: number): Promise<FrameStats> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file],
    { timeout: 10_000, maxBuffer: 4 * 1024 * 1024 },
  );
  return frameStats(stdout, durationS);
}

/** Parses ffprobe's `pts_time,flags` lines (flags contain `K` on keyframes). */
export function frameStats(csv: string, durationS: number): FrameStats {
  const packets = csv
    .split('\n')
    .map((l) => l.trim().split(','))
    .filter((p) => p.length >= 2 && p[0] !== '' && !Number.isNaN(Number(p[0])));
  const keys = packets.filter((p) => p[1]!.includes('K')).map((p) => Number(p[0]));
  const gaps = keys.slice(1).map((t, i) => t - keys[i]!);
  // Segments start on a keyframe and the next segment starts on the next one: a segment holding a
  // single keyframe is one group of pictures as long as the segment.
  if (keys.length === 1 && durationS > 0) gaps.push(durationS);
  return {
    frameRate: packets.length && durationS > 0 ? Math.round((packets.length / durationS) * 100) / 100 : null,
    keyframeIntervalS: gaps.length ? Math.round((gaps.reduce((a, b) => a + b, 0) / gaps.length) * 1000) / 1000 : null,
  };
}
