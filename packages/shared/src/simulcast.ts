import { z } from 'zod';

/**
 * Simulcast (restreaming) between the Worker and the origin agent, once: which targets a live
 * stream pushes to, and how a push is doing. Imported by the agent on Node 22 as
 * `@edgelive/shared/simulcast` (zod only, so Node's type stripping loads it as is).
 *
 * The origin polls the target list while a stream is live and reconciles its pushes with it
 * (start new or re-enabled targets, stop disabled or deleted ones, restart one whose `revision`
 * changed); every state change of a push is reported back, and the Worker turns it into the
 * target's status, its events and a frame on the stream's room socket.
 */

export const SIMULCAST_STATUSES = ['idle', 'starting', 'broadcasting', 'errored'] as const;
export type SimulcastStatus = (typeof SIMULCAST_STATUSES)[number];

export const simulcastTargetIdSchema = z.string().regex(/^sim_[0-9A-Za-z]{8,40}$/, 'expected a sim_ id');

/** One enabled target as the origin pushes it: the full URL, key included (never logged). */
export const originTargetSchema = z.object({
  id: simulcastTargetIdSchema,
  push_url: z.string().min(1).max(2200),
  revision: z.number().int().min(1),
  /** A ladder rung name to push at (encoded by the push); absent or null: the source, copied. */
  rendition: z.string().max(20).nullable().optional(),
});
export type OriginTarget = z.infer<typeof originTargetSchema>;

export const originTargetListSchema = z.object({ targets: z.array(originTargetSchema) });
export type OriginTargetList = z.infer<typeof originTargetListSchema>;

/** What the origin reports about one push. `revision` says which version of the target it ran. */
export const simulcastReportSchema = z
  .object({
    status: z.enum(SIMULCAST_STATUSES),
    revision: z.number().int().min(1),
    error: z.string().max(500).nullable().optional(),
    next_retry_at: z
      .string()
      .refine((s) => Number.isFinite(Date.parse(s)), 'An ISO 8601 time.')
      .nullable()
      .optional(),
    /**
     * Seconds this push broadcast since its previous report (the `simulcast_seconds` meter). A push
     * that keeps broadcasting repeats `broadcasting` every `SIMULCAST_METER_EVERY_MS` with it, and
     * the report that ends a run carries the rest, so an origin that dies loses one interval at most.
     */
    broadcast_seconds: z.number().min(0).max(3600).optional(),
  })
  .strict();
export type SimulcastReport = z.infer<typeof simulcastReportSchema>;

/** How often a broadcasting push reports its seconds (each report is one small POST). */
export const SIMULCAST_METER_EVERY_MS = 30_000;

/** The longest stream key a target takes (platform keys are tens of characters). */
export const MAX_TARGET_KEY_LENGTH = 512;
/** Targets per stream until plans set their own cap. */
export const DEFAULT_MAX_TARGETS_PER_STREAM = 10;

/**
 * The full push URL from a target's URL and key: the key is the last path segment, as
 * YouTube, Twitch and NGINX-RTMP expect (`rtmp://host/app/<key>`).
 */
export function pushUrlOf(url: string, key: string | null): string {
  if (!key) return url;
  return `${url.replace(/\/+$/, '')}/${key}`;
}

/** Removes anything that looks like the key from a message meant for people (FFmpeg echoes URLs). */
export function redactUrl(text: string, pushUrl: string): string {
  let out = text.split(pushUrl).join('<target>');
  const key = pushUrl.split('/').at(-1);
  if (key && key.length >= 4) out = out.split(key).join('<key>');
  return out;
}
