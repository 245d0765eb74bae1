import { createRoute } from '@hono/zod-openapi';
import { renderEvent } from '../../core/events';
import { pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json } from '../lib/router';
import { findEvent, listEvents } from '../services/events.service';
import { EventFilters, EventSchema, typePatterns } from './events.schema';

const tags = ['Events'];
const EventParam = idParam('event_id', 'evt_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listEvents',
  summary: "The app's events, newest first (catch up without webhooks)",
  request: { query: EventFilters },
  responses: { 200: json(pageSchema(EventSchema)), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{event_id}',
  tags,
  operationId: 'getEvent',
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
