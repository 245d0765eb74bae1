import { createRoute } from '@hono/zod-openapi';
import { commonErrors, createAppRouter, json } from '../lib/router';
import { breakdown, defaultGranularity, overview, resolveWindow, timeseries } from '../services/analytics.service';
import { chatActivity } from '../services/chat-activity.service';
import {
  BreakdownQuery,
  BreakdownSchema,
  ChatActivityQuery,
  ChatActivitySchema,
  Filters,
  MetricsSchema,
  OverviewSchema,
  TimeseriesQuery,
  TimeseriesSchema,
  toCsv,
} from './analytics.schema';

/**
 * `GET /v1/analytics/{overview,timeseries,breakdown}`: viewer analytics of the app, or of one
 * stream with `?stream_id=`, from the player beacons (`POST /v1/beacons`). `?format=csv` gives the
 * same rows as a CSV file.
 */
const tags = ['Analytics'];
const METRIC_COLUMNS = Object.keys(MetricsSchema.shape);

const overviewRoute = createRoute({
  method: 'get',
  path: '/overview',
  tags,
  operationId: 'getAnalyticsOverview',
  summary: 'Totals: views, unique viewers, watch time, startup percentiles, rebuffering, errors',
  request: { query: Filters.omit({ format: true }) },
  responses: { 200: json(OverviewSchema), ...commonErrors },
});
const timeseriesRoute = createRoute({
  method: 'get',
  path: '/timeseries',
  tags,
  operationId: 'getAnalyticsTimeseries',
  summary: 'Metrics per minute, hour or day (optionally per country, browser, OS or rendition)',
  request: { query: TimeseriesQuery },
  responses: {
    200: {
      description: 'OK',
      content: { 'application/json': { schema: TimeseriesSchema }, 'text/csv': { schema: {} } },
    },
    ...commonErrors,
  },
});
const breakdownRoute = createRoute({
  method: 'get',
  path: '/breakdown',
  tags,
  operationId: 'getAnalyticsBreakdown',
  summary: 'Metrics per country, browser, OS or rendition over the window',
  request: { query: BreakdownQuery },
  responses: {
    200: {
      description: 'OK',
      content: { 'application/json': { schema: BreakdownSchema }, 'text/csv': { schema: {} } },
    },
    ...commonErrors,
  },
});

const chatRoute = createRoute({
  method: 'get',
  path: '/chat',
  operationId: 'getChatActivity',
  tags,
  summary: 'Chat messages per minute and active chatters, on the same buckets as the time series',
  request: { query: ChatActivityQuery },
  responses: {
    200: {
      description: 'OK',
      content: { 'application/json': { schema: ChatActivitySchema }, 'text/csv': { schema: {} } },
    },
    ...commonErrors,
  },
});

const csv = (body: string, name: string) =>
  new Response(body, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}.csv"` },
  });

export const analyticsRoutes = createAppRouter()
  .openapi(overviewRoute, async (c) => {
    const q = c.req.valid('query');
    const w = await resolveWindow(c.get('db'), c.get('scope').appId, q);
    return c.json(await overview(c.get('db'), c.get('scope').appId, q, w), 200);
  })
  .openapi(timeseriesRoute, async (c) => {
    const q = c.req.valid('query');
    const w = await resolveWindow(c.get('db'), c.get('scope').appId, q);
    const g = q.granularity ?? defaultGranularity(w);
    const data = await timeseries(c.get('db'), c.get('scope').appId, q, g, w, q.group_by);
    if (q.format === 'csv')
      return csv(toCsv(data, ['time', ...(q.group_by ? ['group'] : []), ...METRIC_COLUMNS]), 'timeseries');
    return c.json(
      { granularity: g, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), data },
      200,
    );
  })
  .openapi(breakdownRoute, async (c) => {
    const q = c.req.valid('query');
    const w = await resolveWindow(c.get('db'), c.get('scope').appId, q);
    const data = await breakdown(c.get('db'), c.get('scope').appId, q, w, q.group_by);
    if (q.format === 'csv') return csv(toCsv(data, ['group', ...METRIC_COLUMNS]), 'breakdown');
    return c.json(
      { group_by: q.group_by, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), data },
      200,
    );
  })
  .openapi(chatRoute, async (c) => {
    const q = c.req.valid('query');
    const w = await resolveWindow(c.get('db'), c.get('scope').appId, q);
    const g = q.granularity ?? defaultGranularity(w);
    const chat = await chatActivity(c.get('db'), c.env, c.get('scope').appId, q.stream_id, g, w);
    if (q.format === 'csv')
      return csv(toCsv(chat.data, ['time', 'messages', 'messages_per_minute', 'active_chatters']), 'chat');
    return c.json(
      { granularity: g, from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString(), ...chat },
      200,
    );
  });
