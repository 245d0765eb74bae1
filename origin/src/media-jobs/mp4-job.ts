import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MediaJob } from '@edgelive/shared/media-jobs';
import type { JobClient } from './job-client.ts';
import { mp4Args, playlistFiles } from './mp4-command.ts';

/** Above this an MP4 is uploaded in parts of PART_BYTES (both under the Worker's 100 MB body cap). */
export const MULTIPART_ABOVE = 64 * 1024 * 1024;
export const PART_BYTES = 32 * 1024 * 1024;

/** A failure worth no retry (the input is not media FFmpeg can read); anything else is retried elsewhere. */
export class PermanentJobError extends Error {}

/**
 * Runs an MP4 job: copies the recording's playlist and segments (and key) into a scratch
 * directory under their relative names, remuxes them with FFmpeg, and uploads the MP4. Progress
 * is reported per segment fetched and again after FFmpeg, which also keeps the lease alive.
 */
export async function runMp4Job(
  client: JobClient,
  job: MediaJob,
  leaseId: string,
  opts: { scratchDir: string; ffmpeg?: string; multipartAbove?: number; partBytes?: number },
): Promise<number> {
  await mkdir(opts.scratchDir, { recursive: true });
  const dir = await mkdtemp(path.join(opts.scratchDir, `${job.id}-`));
  try {
    const playlist = new TextDecoder().decode(await client.input(job.id, leaseId, 'playlist.m3u8'));
    const files = playlistFiles(playlist);
    for (const [i, file] of files.entries()) {
      if (file.includes('..') || path.isAbsolute(file)) throw new PermanentJobError(`unsafe path in playlist: ${file}`);
      const dest = path.join(dir, file);
      await mkdir(path.dirname(dest), { recursive: true });
      await writeFile(dest, await client.input(job.id, leaseId, file));
      if (i % 10 === 9) await client.progress(job.id, leaseId, (0.8 * (i + 1)) / files.length);
    }
    const local = path.join(dir, 'playlist.m3u8');
    await writeFile(local, playlist);
    const out = path.join(dir, 'out.mp4');
    await ffmpeg(opts.ffmpeg ?? 'ffmpeg', mp4Args(local, out));
    await client.progress(job.id, leaseId, 0.9);
    // A Worker request body is capped at 100 MB: a larger MP4 goes up in parts.
    const { size } = await stat(out);
    if (size > (opts.multipartAbove ?? MULTIPART_ABOVE)) {
      await client.outputParts(job.id, leaseId, out, opts.partBytes ?? PART_BYTES);
      return size;
    }
    await client.output(job.id, leaseId, await readFile(out));
    return size;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function ffmpeg(bin: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-2000);
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new PermanentJobError(`ffmpeg exited ${code}: ${err.trim().slice(-400)}`)),
    );
  });
}
