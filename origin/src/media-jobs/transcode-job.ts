import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { promisify } from 'node:util';
import type { MediaJob, TranscodeJobSpec, TranscodeResult } from '@edgelive/shared/media-jobs';
import type { JobClient } from './job-client.ts';
import { PermanentJobError } from './mp4-job.ts';
import { planRungs, prefixSegments, transcodeArgs } from './transcode-command.ts';

const run = promisify(execFile);

/** Bytes a URL ingest may bring (the same ceiling as a direct upload). */
const MAX_URL_BYTES = 20 * 1024 * 1024 * 1024;

/**
 * Runs a transcode job: the input (the upload's bytes from the Worker, or the URL, fetched here)
 * to a scratch file; ffprobe decides whether it is video at all (a file that is not fails for
 * good, `not_video:`, and the Worker deletes its bytes); FFmpeg makes the ladder; every file of
 * the HLS tree is uploaded; the result (duration, size, rungs) completes the job.
 */
export async function runTranscodeJob(
  client: JobClient,
  job: MediaJob & { spec: TranscodeJobSpec },
  leaseId: string,
  opts: { scratchDir: string; ffmpeg?: string },
): Promise<TranscodeResult> {
  await mkdir(opts.scratchDir, { recursive: true });
  const dir = await mkdtemp(path.join(opts.scratchDir, `${job.id}-`));
  try {
    const input = path.join(dir, 'input');
    if (job.spec.input.type === 'upload') await client.inputToFile(job.id, leaseId, 'source', input);
    else await fetchUrl(job.spec.input.url, input);
    await client.progress(job.id, leaseId, 0.1);
    const probe = await probeFile(input);
    const rungs = planRungs(job.spec.ladder, probe);
    const out = path.join(dir, 'out');
    await mkdir(out);
    await ffmpeg(
      opts.ffmpeg ?? 'ffmpeg',
      transcodeArgs(input, out, rungs, { hasAudio: probe.hasAudio, segmentSeconds: job.spec.segment_seconds }),
    );
    await client.progress(job.id, leaseId, 0.8);
    for (const r of rungs) {
      for (const seg of (await readdir(path.join(out, r.name))).filter((f) => f.endsWith('.ts'))) {
        const file = `${r.name}/${seg}`;
        await client.outputFile(job.id, leaseId, file, await readFile(path.join(out, file)), 'video/mp2t');
      }
      const text = prefixSegments(await readFile(path.join(out, `${r.name}.m3u8`), 'utf8'), r.name);
      await client.outputFile(
        job.id,
        leaseId,
        `${r.name}.m3u8`,
        new TextEncoder().encode(text),
        'application/vnd.apple.mpegurl',
      );
    }
    // The master last: the Worker calls the asset ready only once it is there.
    const master = await readFile(path.join(out, 'master.m3u8'));
    await client.outputFile(job.id, leaseId, 'master.m3u8', master, 'application/vnd.apple.mpegurl');
    const top = rungs[0]!;
    return { duration_s: probe.durationS, width: top.width, height: top.height, renditions: rungs.map((r) => r.name) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function fetchUrl(url: string, dest: string) {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30 * 60_000) });
  } catch (err) {
    throw new Error(`fetching the input failed: ${String(err)}`);
  }
  // A 4xx will not get better on another worker; a 5xx might.
  if (res.status >= 400 && res.status < 500)
    throw new PermanentJobError(`input_unreachable: ${url} answered ${res.status}`);
  if (!res.ok || !res.body) throw new Error(`input answered ${res.status}`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_URL_BYTES)
    throw new PermanentJobError(`input_too_large: more than ${MAX_URL_BYTES} bytes`);
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), createWriteStream(dest));
}

interface FileProbe {
  width: number;
  height: number;
  durationS: number;
  hasAudio: boolean;
}

export async function probeFile(file: string): Promise<FileProbe> {
  let json: string;
  try {
    ({ stdout: json } = await run(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_type,width,height:format=duration', '-of', 'json', file],
      { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 },
    ));
  } catch {
    throw new PermanentJobError('not_video: FFmpeg cannot read this file as media');
  }
  const p = JSON.parse(json) as {
    streams?: { codec_type?: string; width?: number; height?: number }[];
    format?: { duration?: string };
  };
  const video = p.streams?.find((s) => s.codec_type === 'video' && s.width && s.height);
  const durationS = Number(p.format?.duration ?? 0);
  if (!video?.width || !video.height) throw new PermanentJobError('not_video: the file has no video stream');
  if (!(durationS > 0)) throw new PermanentJobError('not_video: the file has no duration (a still image?)');
  return {
    width: video.width,
    height: video.height,
    durationS,
    hasAudio: !!p.streams?.some((s) => s.codec_type === 'audio'),
  };
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
      code === 0
        ? resolve()
        : reject(new PermanentJobError(`not_video: ffmpeg exited ${code}: ${err.trim().slice(-300)}`)),
    );
  });
}
