import { EVENT_TYPES, isValidPattern } from '@edgelive/shared';
import { z } from '@hono/zod-openapi';
import { PageQuery } from '../lib/pagination';

/**
 * Shapes of the events API. Events are rendered by `renderEvent` in core/events.ts: the same
 * envelope goes to webhooks, so it lives below both.
 */

export const EventSchema = z
  .object({
    id: z.string().openapi({ example: 'evt_4f9kTq2' }),
    type: z.string().openapi({ example: 'stream.active', description: `One of: ${EVENT_TYPES.join(', ')}` }),
    timestamp: z.string().openapi({ description: 'When it happened, ISO 8601 UTC' }),
    app_id: z.string(),
    object: z.object({ type: z.string(), id: z.string() }),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: 'The object as the API returns it, at the time of the event' }),
  })
  .openapi('Event');

/**
 * At most this many distinct type patterns per query: each becomes one or two bound parameters,
 * and D1 allows 100 per statement. More is a 400, never a 500.
 */
export const MAX_TYPE_PATTERNS = 20;

/** `type=a,b` and `type=a&type=b` both work; repeats are dropped before counting. */
export const typePatterns = (type: string | string[] | undefined) => [
  ...new Set(
    [type ?? []]
      .flat()
      .flatMap((t) => t.split(','))
      .map((p) => p.trim())
      .filter(Boolean),
  ),
];

export const EventFilters = PageQuery.extend({
  type: z
    .union([z.string().max(500), z.array(z.string().max(500)).max(500)])
    .optional()
    .openapi({
      description: `Types or patterns, comma-separated or repeated (at most ${MAX_TYPE_PATTERNS}): \`stream.active\`, \`stream.*\`, \`chat.user.*\``,
      example: 'stream.*',
    }),
  object_id: z.string().max(64).optional(),
  since: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
  until: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
}).superRefine((f, ctx) => {
  const patterns = typePatterns(f.type);
  if (patterns.length > MAX_TYPE_PATTERNS)
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message: `At most ${MAX_TYPE_PATTERNS} distinct types or patterns.`,
    });
  for (const p of patterns) {
    if (!isValidPattern(p))
      ctx.addIssue({ code: 'custom', path: ['type'], message: `Unknown event type or pattern: ${p}` });
  }
});
