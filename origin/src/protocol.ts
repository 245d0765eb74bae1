import { z } from 'zod';

/**
 * The Worker's answers, checked at the boundary (docs/origin-protocol.md). Everything the agent
 * does next depends on these shapes, so a Worker that drifts fails loudly here rather than deep
 * inside the pipeline.
 */

export const rungNames = ['source', '1080p', '720p', '480p', '360p', '240p'] as const;
export type RungName = (typeof rungNames)[number];

export const ladderEntrySchema = z.object({
  name: z.enum(rungNames),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  video_bitrate_kbps: z.number().int().positive().optional(),
});
export type LadderEntry = z.infer<typeof ladderEntrySchema>;

export const publishAnswerSchema = z.object({
  stream_id: z.string().min(1),
  session_id: z.string().min(1),
  resumed: z.boolean(),
  latency_mode: z.enum(['standard', 'low']),
  segment_duration_s: z.number().positive().max(10),
  ladder: z.array(ladderEntrySchema).min(1),
  recording: z.boolean(),
  reconnect_window_s: z.number().min(0),
  /** Optional (see the doc): where a resumed session's numbering continues. */
  next_sequence: z.number().int().min(0).optional(),
  /** AES-128 key of the session (new per session, kept on a resume); null or absent: clear segments. */
  encryption: z
    .object({ method: z.literal('AES-128'), key_hex: z.string().regex(/^[0-9a-f]{32}$/) })
    .nullable()
    .optional(),
});
export type PublishAnswer = z.infer<typeof publishAnswerSchema>;
export type LatencyMode = PublishAnswer['latency_mode'];

export const streamStatusSchema = z.object({
  status: z.string(),
  disabled: z.boolean(),
});
export type StreamStatus = z.infer<typeof streamStatusSchema>;

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string().optional() }),
});

/** Codes on a 409 that mean "stop this pipeline and drop the publisher". */
export const stopCodes = new Set(['stream_disabled', 'session_ended']);

export interface InputReport {
  video_codec: string;
  audio_codec: string | null;
  width: number;
  height: number;
  frame_rate: number;
  bitrate_kbps: number;
}

export interface RenditionReport {
  bandwidth: number;
  average_bandwidth?: number;
  resolution: string;
  codecs: string;
  frame_rate: number;
}
