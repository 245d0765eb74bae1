import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MediaJob, TrimJobSpec, TrimResult } from '@edgelive/shared/media-jobs';
import { segmentPlaylist, type TrimPart, trimPartUri } from '@edgelive/shared/playlist-trim';
import type { JobClient } from './job-client.ts';
import { playlistFiles } from './mp4-command.ts';
import { PermanentJobError } from './mp4-job.ts';
import { trimArgs } from './trim-command.ts';

const run = promisify(execFile);

/**
 * Runs a trim job (a frame-accurate clip): for each planned part, the clip's playlist and the one
 * segment it names (with its key) into a scratch directory, that segment re-encoded from `from_s`
 * to `to_s`, its real duration measured, and the part uploaded. The Worker swaps the parts into
 * the clip's playlists when the job completes with those durations.
 */
export async function runTrimJob(
  client: JobClient,
  job: MediaJob & { spec: TrimJobSpec },
  leaseId: string,
  opts: { scratchDir: string; ffmpeg?: string },
): Promise<TrimResult> {
  await mkdir(opts.scratchDir, { recursive: true });
  const dir = await mkdtemp(path.join(opts.scratchDir, `${job.id}-`));
  try {
    const playlists = new Map<string, string>();
    const made: TrimResult['parts'] = [];
    for (const [i, part] of job.spec.parts.entries()) {
      const file = `${part.rendition}.m3u8`;
      if (!playlists.has(file))
        playlists.set(file, new TextDecoder().decode(await client.input(job.id, leaseId, file)));
      const local = await fetchSegment(playlists.get(file)!, part, dir, (f) => client.input(job.id, leaseId, f));
      const out = path.join(dir, trimPartUri(part.rendition, part.part));
      await mkdir(path.dirname(out), { recursive: true });
      const duration = await trimPart(local, out, part, opts.ffmpeg);
      await client.outputFile(
        job.id,
        leaseId,
        trimPartUri(part.rendition, part.part),
        await readFile(out),
        'video/mp2t',
      );
      made.push({ rendition: part.rendition, part: part.part, duration_s: duration });
      await client.progress(job.id, leaseId, (i + 1) / job.spec.parts.length);
    }
    return { parts: made };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The part's segment (and key) on disk under their relative names, with a playlist of just it. */
export async function fetchSegment(
  playlist: string,
  part: Pick<TrimPart, 'part' | 'segment' | 'rendition'>,
  dir: string,
  read: (file: string) => Promise<Uint8Array>,
): Promise<string> {
  const one = segmentPlaylist(playlist, part.segment);
  if (!one) throw new PermanentJobError(`the clip's playlist does not name ${part.segment}`);
  for (const f of playlistFiles(one)) {
    if (f.includes('..') || path.isAbsolute(f)) throw new PermanentJobError(`unsafe path in playlist: ${f}`);
    const dest = path.join(dir, f);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, await read(f));
  }
  const local = path.join(dir, `${part.rendition}-${part.part}.m3u8`);
  await writeFile(local, one);
  return local;
}

/** Re-encodes [from_s, to_s) of the segment its playlist names into `out`; answers its duration. */
export async function trimPart(
  playlist: string,
  out: string,
  part: Pick<TrimPart, 'from_s' | 'to_s'>,
  ffmpeg = 'ffmpeg',
): Promise<number> {
  // Output -ss counts from the input's earliest packet, which may be audio; the plan counts from
  // the segment's first video frame (what EXTINF measures), so the seek is shifted by the gap.
  const first = await probe(playlist, 'start_time');
  const video = (await probeVideoStart(playlist)) ?? first;
  const from = part.from_s + (video - first);
  try {
    const args = trimArgs(playlist, out, from, from + (part.to_s - part.from_s), video + part.from_s);
    await run(ffmpeg, args, { maxBuffer: 1 << 20 });
  } catch (err) {
    throw new PermanentJobError(`ffmpeg failed: ${String((err as { stderr?: string }).stderr ?? err).slice(-400)}`);
  }
  const duration = await probe(out, 'duration');
  if (duration <= 0) throw new PermanentJobError('the trimmed part is empty');
  return Math.round(duration * 1000) / 1000;
}

/** Where the first video stream starts (null without one). */
async function probeVideoStart(file: string): Promise<number | null> {
  const args = ['-v', 'error', '-allowed_extensions', 'ALL', '-select_streams', 'v:0'];
  const { stdout } = await run('ffprobe', [...args, '-show_entries', 'stream=start_time', '-of', 'csv=p=0', file]);
  const n = Number.parseFloat(stdout.trim());
  return Number.isFinite(n) ? n : null;
}

/** A format field as ffprobe reads it (`duration`: the longer of the streams). */
async function probe(file: string, field: 'duration' | 'start_time'): Promise<number> {
  const args = [
    '-v',
    'error',
    '-allowed_extensions',
    'ALL',
    '-show_entries',
    `format=${field}`,
    '-of',
    'csv=p=0',
    file,
  ];
  const { stdout } = await run('ffprobe', args);
  const n = Number.parseFloat(stdout.trim());
  if (!Number.isFinite(n)) throw new PermanentJobError(`ffprobe read no ${field}: ${stdout.trim()}`);
  return n;
}
