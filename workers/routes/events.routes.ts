import { EVENT_TYPES, isValidPattern } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { renderEvent } from '../../core/events';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json } from '../lib/router';
import { findEvent, listEvents } from '../services/events.service';

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
const typePatterns = (type: string | string[] | undefined) => [
  ...new Set(
    [type ?? []]
      .flat()
      .flatMap((t) => t.split(','))
      .map((p) => p.trim())
      .filter(Boolean),
  ),
];

const Filters = PageQuery.extend({
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

const tags = ['Events'];
const EventParam = idParam('event_id', 'evt_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: "The app's events, newest first (catch up without webhooks)",
  request: { query: Filters },
  responses: { 200: json(pageSchema(EventSchema)), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{event_id}',
  tags,
  summary: 'Get an event',
  request: { params: EventParam },
  responses: { 200: json(EventSchema), ...commonErrors },
});

export const eventRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const f = c.req.valid('query');
    const rows = await listEvents(
      c.get('db'),
      c.get('scope').appId,
      { types: typePatterns(f.type), objectId: f.object_id, since: f.since, until: f.until },
      f,
    );
    return c.json(pageOf(rows, f.limit, renderEvent), 200);
  })
  .openapi(get, async (c) =>
    c.json(renderEvent(await findEvent(c.get('db'), c.get('scope').appId, c.req.valid('param').event_id)), 200),
  );
