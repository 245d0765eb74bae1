import { EVENT_TYPES, isValidPattern } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, gte, lte, or, type SQL, sql } from 'drizzle-orm';
import { events } from '../../core/db/schema/index';
import { renderEvent } from '../../core/events';
import { isIdOf } from '../../core/ids';
import { notFound } from '../lib/errors';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json } from '../lib/router';

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

const Filters = PageQuery.extend({
  type: z.string().max(500).optional().openapi({
    description: 'Comma-separated types or patterns: `stream.active`, `stream.*`, `chat.user.*`',
    example: 'stream.*',
  }),
  object_id: z.string().max(64).optional(),
  since: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
  until: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
}).superRefine((f, ctx) => {
  for (const p of f.type?.split(',') ?? []) {
    if (!isValidPattern(p.trim()))
      ctx.addIssue({ code: 'custom', path: ['type'], message: `Unknown event type or pattern: ${p.trim()}` });
  }
});

/** SQL for the type patterns; `x.*` compares a prefix (LIKE would treat the `_` in `api_key` as a wildcard). */
function typeFilter(patterns: string[]): SQL | undefined {
  if (!patterns.length || patterns.includes('*')) return undefined;
  return or(
    ...patterns.map((p) => {
      if (!p.endsWith('.*')) return eq(events.type, p);
      const prefix = p.slice(0, -1);
      return sql`substr(${events.type}, 1, ${prefix.length}) = ${prefix}`;
    }),
  );
}

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
    const page = keyset(events.createdAt, events.id, f.cursor);
    const rows = await c
      .get('db')
      .select()
      .from(events)
      .where(
        and(
          eq(events.appId, c.get('scope').appId),
          typeFilter(f.type?.split(',').map((p) => p.trim()) ?? []),
          f.object_id ? eq(events.objectId, f.object_id) : undefined,
          f.since ? gte(events.createdAt, Date.parse(f.since)) : undefined,
          f.until ? lte(events.createdAt, Date.parse(f.until)) : undefined,
          page.where,
        ),
      )
      .orderBy(...page.orderBy)
      .limit(f.limit + 1);
    return c.json(pageOf(rows, f.limit, renderEvent), 200);
  })
  .openapi(get, async (c) => {
    const { event_id } = c.req.valid('param');
    const row =
      isIdOf('event', event_id) &&
      (await c.get('db').query.events.findFirst({
        where: and(eq(events.id, event_id), eq(events.appId, c.get('scope').appId)),
      }));
    if (!row) throw notFound('event');
    return c.json(renderEvent(row), 200);
  });
