import { METER_NAMES, type MeterName } from '@edgelive/shared/usage';
import { z } from '@hono/zod-openapi';

/** Query and renders of `GET /v1/usage` and `GET /v1/orgs/{id}/usage`. */
const time = z
  .string()
  .datetime({ offset: true })
  .optional()
  .openapi({ description: 'ISO 8601; `from` defaults to the start of the calendar month of `to`, `to` to now' });

export const UsageQuery = z.object({
  from: time,
  to: time,
  granularity: z.enum(['minute', 'hour', 'day', 'month']).default('day'),
  group_by: z.enum(['metric', 'stream', 'app', 'target', 'kind']).default('metric').openapi({
    description:
      '`metric`: one row per bucket and meter; `stream` (or, per org, `app`) splits them further; `target` splits `simulcast_seconds` by simulcast target, `kind` splits `stored_byte_hours` by kind of bytes (recordings, segments, images, uploads, clips, downloads)',
  }),
  stream_id: z.string().max(64).optional().openapi({ description: 'One stream (default: the whole app)' }),
  meter: z
    .string()
    .max(400)
    .optional()
    .openapi({ description: `Comma-separated meters (default: all): ${METER_NAMES.join(', ')}` }),
  format: z.enum(['json', 'csv']).default('json'),
});
export type UsageQueryType = z.infer<typeof UsageQuery>;

export const UsageRowSchema = z
  .object({
    time: z.string().openapi({ description: 'Start of the bucket' }),
    meter: z.enum(METER_NAMES as [MeterName, ...MeterName[]]),
    unit: z.string(),
    quantity: z.number(),
    stream_id: z.string().optional().openapi({ description: "With `group_by=stream` ('' for app-level work)" }),
    app_id: z.string().optional().openapi({ description: 'With `group_by=app`' }),
    target_id: z
      .string()
      .optional()
      .openapi({ description: "With `group_by=target`: the simulcast target ('' for other meters)" }),
    kind: z
      .string()
      .optional()
      .openapi({ description: "With `group_by=kind`: the kind of stored bytes ('' for other meters)" }),
  })
  .openapi('UsageRow');

export const UsageSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    granularity: z.enum(['minute', 'hour', 'day', 'month']),
    group_by: z.enum(['metric', 'stream', 'app', 'target', 'kind']),
    data: z.array(UsageRowSchema),
    totals: z.record(z.string(), z.number()).openapi({ description: 'Each meter over the window' }),
    chat_monthly_active_users: z
      .array(z.object({ month: z.string(), users: z.number().int() }))
      .openapi({ description: 'Distinct chat users per calendar month touching the window' }),
  })
  .openapi('Usage');

export const USAGE_CSV_COLUMNS = ['time', 'meter', 'unit', 'quantity', 'stream_id', 'app_id', 'target_id', 'kind'];
