/**
 * SSIM of one HLS rendition against its source, with FFmpeg's `ssim` filter (Debian's FFmpeg has
 * no libvmaf). The reference is the source scaled to the rendition's size with lanczos, a scaler
 * neither ladder uses, so neither is measured against its own scaling. Both sides start their
 * timestamps at zero: the rendition's carry the publisher's clock plus the muxer's delay.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function renditionSsim(renditionDir: string, source: string, width: number, height: number) {
  const segments = (await readdir(renditionDir))
    .filter((f) => /^\d+\.ts$/.test(f))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((f) => path.join(renditionDir, f));
  if (segments.length === 0) throw new Error(`no segments in ${renditionDir}`);
  const graph =
    '[0:v]setpts=PTS-STARTPTS[got];' +
    `[1:v]setpts=PTS-STARTPTS,scale=${width}:${height}:flags=lanczos[ref];[got][ref]ssim`;
  // FFmpeg prints the filter's summary on stderr: "SSIM Y:0.98 (17.1) U:... All:0.979 (16.8)".
  const { stderr } = await run(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostats',
      '-i',
      `concat:${segments.join('|')}`,
      '-i',
      source,
      '-lavfi',
      graph,
      '-f',
      'null',
      '-',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const all = /SSIM .*All:([\d.]+)/.exec(stderr);
  if (!all) throw new Error(`no SSIM in FFmpeg's output: ${stderr.slice(-500)}`);
  return Number(all[1]);
}
