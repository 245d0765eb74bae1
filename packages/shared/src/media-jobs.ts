import { z } from 'zod';

/**
 * The media-job protocol: work that needs FFmpeg after the fact (an asset's MP4, later clip
 * re-encodes and upload transcodes), taken by origins (or media workers running the same agent
 * code) from the Worker's queue. One module imported by the Worker and the agent.
 *
 *   POST /internal/media-jobs/lease                     → 200 { job, lease_id } or 204 (nothing to do)
 *   GET  /internal/media-jobs/{id}/input/{file}         the job's input media (only while leased)
 *   POST /internal/media-jobs/{id}/progress             { lease_id, progress } (also extends the lease)
 *   PUT  /internal/media-jobs/{id}/output?lease_id=     the output file's bytes
 *   POST /internal/media-jobs/{id}/complete             { lease_id }
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

export const mediaJobSchema = z.object({
  id: z.string(),
  attempt: z.number().int().min(1),
  spec: mp4JobSchema,
});
export type MediaJob = z.infer<typeof mediaJobSchema>;
export type Mp4JobSpec = z.infer<typeof mp4JobSchema>;

export const leaseAnswerSchema = z.object({ job: mediaJobSchema, lease_id: z.string() });
export type LeaseAnswer = z.infer<typeof leaseAnswerSchema>;

export const progressBodySchema = z.object({ lease_id: z.string().min(1).max(64), progress: z.number().min(0).max(1) });
export const completeBodySchema = z.object({ lease_id: z.string().min(1).max(64) });
export const failBodySchema = z.object({
  lease_id: z.string().min(1).max(64),
  reason: z.string().min(1).max(500),
  retryable: z.boolean(),
});
