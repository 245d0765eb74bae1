import { z } from 'zod';

/**
 * The media-job protocol: work that needs FFmpeg after the fact (an asset's MP4, later clip
 * re-encodes and upload transcodes), taken by origins (or media workers running the same agent
 * code) from the Worker's queue. One module imported by the Worker and the agent.
 *
 *   POST /internal/media-jobs/lease                     → 200 { job, lease_id } or 204 (nothing to do)
 *   GET  /internal/media-jobs/{id}/input/{file}         the job's input media (only while leased)
 *   POST /internal/media-jobs/{id}/progress             { lease_id, progress } (also extends the lease)
 *   PUT  /internal/media-jobs/{id}/output?lease_id=     the output file's bytes (mp4)
 *   PUT  /internal/media-jobs/{id}/output/{file}?lease_id=  one file of an HLS output (transcode, trim)
 *   POST /internal/media-jobs/{id}/complete             { lease_id, result? } (transcode, trim: what was made)
 *   POST /internal/media-jobs/{id}/fail                 { lease_id, reason, retryable }
 *
 * A lease lasts LEASE_MS past its last progress report; a worker that dies lets it lapse, and the
 * job goes to the next worker that asks (up to MAX_ATTEMPTS), so no job is lost with its worker.
 */

export const LEASE_MS = 60_000;
export const MAX_ATTEMPTS = 3;

export const mp4JobSchema = z.object({
  kind: z.literal('mp4'),
  asset_id: z.string(),
  /** Read through `input/{file}`: `playlist.m3u8` names its segments relative to itself. */
  input: z.object({ playlist: z.literal('playlist.m3u8'), rendition: z.string() }),
  output: z.object({ content_type: z.literal('video/mp4') }),
});

/**
 * An uploaded (or URL-ingested) file transcoded to an HLS ladder (issue 14). The input is the
 * uploaded bytes (`input/source`) or a URL the worker fetches itself; the output is
 * `master.m3u8`, `<rendition>.m3u8` and `<rendition>/<n>.ts`, each PUT under `output/`.
 * A file FFmpeg finds no video in fails for good with a reason starting `not_video:`.
 */
export const transcodeJobSchema = z.object({
  kind: z.literal('transcode'),
  asset_id: z.string(),
  input: z.discriminatedUnion('type', [
    z.object({ type: z.literal('upload'), file: z.literal('source') }),
    z.object({ type: z.literal('url'), url: z.string().url() }),
  ]),
  /** Rungs of the app's ladder (`source` = re-encoded at the input's own size); none above the input. */
  ladder: z.array(z.string()).min(1),
  segment_seconds: z.number().min(1).max(10),
});

/**
 * A frame-accurate clip (issue 14): the clip's first and last segments re-encoded from the
 * requested start and to the requested end (packages/shared/src/playlist-trim.ts plans it). Input:
 * the clip's `<rendition>.m3u8`, the segments it names and `aes.key`; output: `<rendition>/head.ts`
 * and `<rendition>/tail.ts`, PUT under `output/`, whose measured durations complete the job.
 */
const trimPartSchema = z.object({
  rendition: z.string(),
  part: z.enum(['head', 'tail']),
  segment: z.string(),
  from_s: z.number().min(0),
  to_s: z.number().positive(),
});
export const trimJobSchema = z.object({
  kind: z.literal('trim'),
  asset_id: z.string(),
  /** The range asked, in seconds of the clip's parent: the clip's `source.start`/`end` once trimmed. */
  start_s: z.number().min(0),
  end_s: z.number().positive(),
  parts: z.array(trimPartSchema).min(1).max(40),
});

export const jobSpecSchema = z.discriminatedUnion('kind', [mp4JobSchema, transcodeJobSchema, trimJobSchema]);

export const mediaJobSchema = z.object({
  id: z.string(),
  attempt: z.number().int().min(1),
  spec: jobSpecSchema,
});
export type MediaJob = z.infer<typeof mediaJobSchema>;
export type Mp4JobSpec = z.infer<typeof mp4JobSchema>;
export type TranscodeJobSpec = z.infer<typeof transcodeJobSchema>;
export type TrimJobSpec = z.infer<typeof trimJobSchema>;
export type MediaJobSpec = z.infer<typeof jobSpecSchema>;

/** Output file names of a trim: one re-encoded part per end of a rendition. */
export const TRIM_OUTPUT_FILE = /^[a-z0-9]{2,8}\/(head|tail)\.ts$/;

/** Output file names of a transcode: playlists at the top, segments one level down. */
export const TRANSCODE_OUTPUT_FILE = /^(master\.m3u8|[a-z0-9]{2,8}\.m3u8|[a-z0-9]{2,8}\/\d{1,6}\.ts)$/;

/** What a transcode made, reported with `complete`. */
export const transcodeResultSchema = z.object({
  duration_s: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  renditions: z.array(z.string()).min(1),
});
export type TranscodeResult = z.infer<typeof transcodeResultSchema>;

/** What a trim made, reported with `complete`: each part's duration as ffprobe measured it. */
export const trimResultSchema = z.object({
  parts: z
    .array(z.object({ rendition: z.string(), part: z.enum(['head', 'tail']), duration_s: z.number().positive() }))
    .min(1),
});
export type TrimResult = z.infer<typeof trimResultSchema>;

export const leaseAnswerSchema = z.object({ job: mediaJobSchema, lease_id: z.string() });
export type LeaseAnswer = z.infer<typeof leaseAnswerSchema>;

export const progressBodySchema = z.object({ lease_id: z.string().min(1).max(64), progress: z.number().min(0).max(1) });
export const completeBodySchema = z.object({
  lease_id: z.string().min(1).max(64),
  result: z.union([transcodeResultSchema, trimResultSchema]).optional(),
});
export const failBodySchema = z.object({
  lease_id: z.string().min(1).max(64),
  reason: z.string().min(1).max(500),
  retryable: z.boolean(),
});
