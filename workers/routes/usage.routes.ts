import { isMeterName, type MeterName } from '@edgelive/shared/usage';
import { createRoute } from '@hono/zod-openapi';
import type { Db } from '../../core/db/client';
import { badRequest } from '../lib/errors';
import { commonErrors, createAppRouter } from '../lib/router';
import { findStream } from '../services/streams.service';
import { chatMonthlyActiveUsers, totalsOf, usageSeries, usageWindow } from '../services/usage.service';
import { toCsv } from './analytics.schema';
import { USAGE_CSV_COLUMNS, UsageQuery, type UsageQueryType, UsageSchema } from './usage.schema';

/**
 * `GET /v1/usage`: what the app used, per meter, in time buckets (issue 15). The org's view of all
 * its apps is `GET /v1/orgs/{id}/usage` (orgs-usage.routes.ts), answered by `usageAnswer` too.
 */
export const usageResponses = {
  200: {
    description: 'OK',
    content: { 'application/json': { schema: UsageSchema }, 'text/csv': { schema: {} } },
  },
  ...commonErrors,
};

const listUsage = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getUsage',
  tags: ['Usage'],
  summary: "The app's usage per meter over time (JSON or CSV)",
  request: { query: UsageQuery },
  responses: usageResponses,
});

function metersOf(q: UsageQueryType): MeterName[] | undefined {
  if (!q.meter) return undefined;
  const names = q.meter.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !isMeterName(n));
  if (bad.length) throw badRequest(`Unknown meter: ${bad.join(', ')}.`, { unknown: bad });
  return names as MeterName[];
}

/** The JSON (or CSV) answer for these apps: shared by the app and org routes. */
export async function usageAnswer(db: Db, appIds: string[], q: UsageQueryType): Promise<Response> {
  const w = usageWindow(q);
  const data = await usageSeries(db, appIds, {
    ...w,
    granularity: q.granularity,
    groupBy: q.group_by,
    streamId: q.stream_id,
    meters: metersOf(q),
  });
  if (q.format === 'csv') {
    return new Response(toCsv(data as unknown as Record<string, unknown>[], USAGE_CSV_COLUMNS), {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="usage.csv"' },
    });
  }
  const body = {
    from: new Date(w.from).toISOString(),
    to: new Date(w.to).toISOString(),
    granularity: q.granularity,
    group_by: q.group_by,
    data,
    totals: totalsOf(data),
    chat_monthly_active_users: await chatMonthlyActiveUsers(db, appIds, w.from, w.to),
  };
  return Response.json(body);
}

export const usageRoutes = createAppRouter().openapi(listUsage, async (c) => {
  const q = c.req.valid('query');
  if (q.group_by === 'app') throw badRequest('`group_by=app` is for org usage; an app key sees one app.');
  // Another app's stream answers 404, like every read of it.
  if (q.stream_id) await findStream(c.get('db'), c.get('scope').appId, q.stream_id);
  return usageAnswer(c.get('db'), [c.get('scope').appId], q) as never;
});
