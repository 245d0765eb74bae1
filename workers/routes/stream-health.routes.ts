import { HEALTH_REASONS } from '@edgelive/shared/stream-health';
import { createRoute, z } from '@hono/zod-openapi';
import { commonErrors, createAppRouter, idParam, json } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { healthSeries } from '../services/stream-health.service';

/**
 * `GET /v1/streams/{stream_id}/health`: a live session's health series as its origin measured it
 * (input bitrate, frame rate, keyframe interval, late segments, upload lag and backlog, encoder
 * restarts), each sample with the verdict it led to. Degrading and recovering also send
 * `stream.health.degraded` / `stream.health.recovered` events.
 */
const Reason = z.enum(HEALTH_REASONS);
const Status = z.enum(['healthy', 'degraded']);

const HealthSampleOut = z
  .object({
    at: z.string(),
    window_s: z.number(),
    input_bitrate_kbps: z.number(),
    frame_rate: z.number().nullable(),
    keyframe_interval_s: z.number().nullable(),
    segments: z.number().int(),
    segments_late: z.number().int(),
    segments_dropped: z
      .number()
      .int()
      .openapi({ description: 'Segments the origin gave up on in the window (upload buffer full, or refused)' }),
    upload_lag_ms_p95: z.number().nullable().openapi({ description: 'Segment closed to stored, p95 in the window' }),
    upload_backlog: z.number().int().openapi({ description: 'Segments waiting for upload at the end of the window' }),
    encoder_restarts: z.number().int().openapi({ description: 'FFmpeg restarts of the session so far' }),
    status: Status,
    reasons: z.array(Reason),
  })
  .openapi('StreamHealthSample');

const StreamHealth = z
  .object({
    session_id: z.string().nullable().openapi({ description: 'null: no session of this stream has reported yet' }),
    status: Status.nullable(),
    reasons: z.array(Reason),
    samples: z.array(HealthSampleOut),
  })
  .openapi('StreamHealth');

const time = z.string().datetime({ offset: true }).optional();
const HealthQuery = z.object({
  session_id: z.string().max(64).optional().openapi({ description: "Default: the stream's latest session" }),
  from: time,
  to: time,
  limit: z.coerce.number().int().min(1).max(2000).default(360).openapi({ description: 'The most recent samples' }),
});

const getHealth = createRoute({
  method: 'get',
  path: '/{stream_id}/health',
  operationId: 'getStreamHealth',
  tags: ['Live streams'],
  middleware: [inScope('stream')] as const,
  summary: "A session's health series (input bitrate, frame rate, late segments, upload lag) and verdict",
  request: { params: idParam('stream_id', 'str_123'), query: HealthQuery },
  responses: { 200: json(StreamHealth), ...commonErrors },
});

export const streamHealthRoutes = createAppRouter().openapi(getHealth, async (c) =>
  c.json(await healthSeries(c.get('db'), c.get('stream').id, c.req.valid('query')), 200),
);
