import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { InputInfo } from './ladder.ts';

const run = promisify(execFile);

const probeSchema = z.object({
  streams: z.array(
    z.object({
      codec_type: z.string(),
      codec_name: z.string().optional(),
      profile: z.string().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      avg_frame_rate: z.string().optional(),
      r_frame_rate: z.string().optional(),
      bit_rate: z.string().optional(),
    }),
  ),
  format: z.object({ bit_rate: z.string().optional(), tags: z.record(z.string(), z.string()).optional() }).optional(),
});
type Probe = z.infer<typeof probeSchema>;

async function ffprobe(target: string, extra: string[] = [], timeoutMs = 15_000): Promise<Probe> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', ...extra, '-show_streams', '-show_format', '-of', 'json', target],
    { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
  );
  return probeSchema.parse(JSON.parse(stdout));
}

export function parseFrameRate(value: string | undefined): number {
  if (!value) return 0;
  const [num, den] = value.split('/').map(Number);
  if (!num || !den) return 0;
  return Math.round((num / den) * 1000) / 1000;
}

/** Probes the publisher through the local NGINX-RTMP (the agent is allowed to play). */
export async function probeInput(url: string): Promise<InputInfo> {
  // FFmpeg's default analysis (5 s at most): a shorter one misses the video of a slow publisher.
  const p = await ffprobe(url, ['-rw_timeout', '10000000']);
  const video = p.streams.find((s) => s.codec_type === 'video');
  const audio = p.streams.find((s) => s.codec_type === 'audio');
  if (!video?.width || !video.height || !video.codec_name) throw new Error('input has no decodable video stream');
  const tags = p.format?.tags ?? {};
  // RTMP encoders announce their bitrates in onMetaData (kbps); FFmpeg's own bit_rate needs a full probe.
  const announced = Number(tags.videodatarate ?? 0) + Number(tags.audiodatarate ?? 0);
  const streamsBps = p.streams.reduce((sum, s) => sum + Number(s.bit_rate ?? 0), 0);
  const measured = (Number(p.format?.bit_rate ?? 0) || streamsBps) / 1000;
  return {
    videoCodec: video.codec_name,
    audioCodec: audio?.codec_name ?? null,
    width: video.width,
    height: video.height,
    frameRate: parseFrameRate(video.avg_frame_rate) || parseFrameRate(video.r_frame_rate) || 30,
    bitrateKbps: Math.round(announced || measured),
  };
}

export interface SegmentMedia {
  width: number;
  height: number;
  frameRate: number;
  /** RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs: string;
}

const aacObjectType: Record<string, number> = { LC: 2, 'HE-AAC': 5, 'HE-AACv2': 29, Main: 1 };

/** Measures one produced segment: what the master playlist must say about its rendition. */
export async function probeSegment(file: string): Promise<SegmentMedia> {
  const p = await ffprobe(file);
  const video = p.streams.find((s) => s.codec_type === 'video');
  const audio = p.streams.find((s) => s.codec_type === 'audio');
  if (!video?.width || !video.height) throw new Error('segment has no video');
  const codecs = [await avcCodecString(file)];
  if (audio?.codec_name === 'aac') codecs.push(`mp4a.40.${aacObjectType[audio.profile ?? 'LC'] ?? 2}`);
  else if (audio?.codec_name === 'mp3') codecs.push('mp4a.40.34');
  return {
    width: video.width,
    height: video.height,
    // A 2 s segment's average drifts (29.97 for 30): the stream's base rate is what players expect.
    frameRate: parseFrameRate(video.r_frame_rate) || parseFrameRate(video.avg_frame_rate),
    codecs: codecs.join(','),
  };
}

/**
 * `avc1.PPCCLL` from the segment's own SPS (profile, constraint flags, level), read from the first
 * access unit as Annex B. ffprobe reports profile and level but not the constraint flags, and a
 * wrong CODECS string makes some players skip a rendition.
 */
async function avcCodecString(file: string): Promise<string> {
  const { stdout } = await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-map',
      '0:v:0',
      '-c',
      'copy',
      '-bsf:v',
      'h264_mp4toannexb',
      '-frames:v',
      '1',
      '-f',
      'h264',
      'pipe:1',
    ],
    { encoding: 'buffer', timeout: 15_000, maxBuffer: 32 * 1024 * 1024 },
  );
  const sps = findSps(stdout);
  if (!sps) throw new Error('no SPS in segment');
  return `avc1.${hex(sps[0])}${hex(sps[1])}${hex(sps[2])}`;
}

/** The three bytes after an SPS NAL header (type 7) in an Annex B stream. */
export function findSps(annexB: Uint8Array): [number, number, number] | null {
  for (let i = 0; i + 6 < annexB.length; i++) {
    if (annexB[i] === 0 && annexB[i + 1] === 0 && annexB[i + 2] === 1 && ((annexB[i + 3] ?? 0) & 0x1f) === 7) {
      return [annexB[i + 4] ?? 0, annexB[i + 5] ?? 0, annexB[i + 6] ?? 0];
    }
  }
  return null;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
