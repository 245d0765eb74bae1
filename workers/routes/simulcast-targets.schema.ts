import { RUNG_NAMES } from '@edgelive/shared/ladder';
import { MAX_TARGET_KEY_LENGTH, SIMULCAST_STATUSES } from '@edgelive/shared/simulcast';
import { z } from '@hono/zod-openapi';

/** Request and response shapes of `/v1/streams/{id}/simulcast-targets`. */

const name = z.string().trim().min(1).max(200).nullable();
const url = z
  .string()
  .min(1)
  .max(2000)
  .openapi({
    description:
      'rtmp:// or rtmps:// URL of the receiving service. Without `stream_key`, its last path segment is taken as the key ' +
      '(`rtmp://a.rtmp.youtube.com/live2/<key>`) and stored apart from the URL.',
    example: 'rtmp://a.rtmp.youtube.com/live2',
  });
const streamKey = z
  .string()
  .min(1)
  .max(MAX_TARGET_KEY_LENGTH)
  .openapi({ description: 'The key the receiving service gave you. Encrypted at rest and never returned.' });

const rendition = z
  .enum(RUNG_NAMES as [string, ...string[]])
  .nullable()
  .openapi({
    description:
      'Push this rung (encoded by the push at its size and bitrate, e.g. `720p` for a service that takes no more) instead of the source, copied (`null`, the default).',
    example: '720p',
  });

export const CreateTargetBody = z
  .object({
    url,
    stream_key: streamKey.optional(),
    name: name.optional(),
    enabled: z.boolean().optional(),
    rendition: rendition.optional(),
  })
  .strict()
  .openapi('CreateSimulcastTarget');

export const UpdateTargetBody = z
  .object({
    url: url.optional(),
    stream_key: streamKey.optional(),
    name: name.optional(),
    enabled: z.boolean().optional(),
    rendition: rendition.optional(),
  })
  .strict()
  .openapi('UpdateSimulcastTarget', {
    description: 'Takes effect within a few seconds on a live stream, without touching its HLS or other targets.',
  });

export const SimulcastTarget = z
  .object({
    id: z.string().openapi({ example: 'sim_123' }),
    stream_id: z.string(),
    name: z.string().nullable(),
    url: z.string().openapi({ description: 'The URL without its key.' }),
    stream_key_set: z.boolean(),
    enabled: z.boolean(),
    rendition: z.string().nullable().openapi({ description: 'The rung pushed; null: the source, copied.' }),
    status: z.enum(SIMULCAST_STATUSES).openapi({
      description:
        '`idle` (not pushing), `starting` (connecting), `broadcasting` (video flowing), `errored` (failed; retried at `next_retry_at`).',
    }),
    last_error: z.string().nullable(),
    next_retry_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('SimulcastTarget');
