import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Db } from '../../core/db/client';
import { pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, createRouter, sessionSecurity } from '../lib/router';
import { orgScope } from '../middleware/scope';
import { queryAuditLog } from '../services/audit-log.service';
import { AuditEntry, AuditFilters, CSV_COLUMNS, CSV_MAX_ROWS, csvCell, renderAuditEntry } from './audit-log.schema';

/** JSON page, or CSV (no cursor: the export starts at the newest entry) with format=csv. */
async function answer(
  c: Context,
  db: Db,
  scope: { orgId: string; appId: string | null },
  f: z.infer<typeof AuditFilters>,
) {
  if (f.format === 'csv') {
    const rows = await queryAuditLog(db, scope, f, { limit: CSV_MAX_ROWS });
    const lines = [
      CSV_COLUMNS.join(','),
      ...rows.map((r) => CSV_COLUMNS.map((k) => csvCell(renderAuditEntry(r)[k])).join(',')),
    ];
    return c.body(`${lines.join('\r\n')}\r\n`, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="audit-log.csv"',
    });
  }
  const rows = await queryAuditLog(db, scope, f, { limit: f.limit + 1, cursor: f.cursor });
  return c.json(pageOf(rows, f.limit, renderAuditEntry), 200);
}

const responses = {
  200: {
    description: 'Entries, newest first (JSON page, or CSV with format=csv)',
    content: { 'application/json': { schema: pageSchema(AuditEntry) }, 'text/csv': { schema: z.string() } },
  },
  ...commonErrors,
};

/** `/v1/orgs/{org_id}/audit-log`: everything in the organization. */
export const orgAuditRoutes = createRouter().openapi(
  createRoute({
    method: 'get',
    path: '/{org_id}/audit-log',
    tags: ['Audit log'],
    operationId: 'listOrgAuditLog',
    security: sessionSecurity,
    summary: "The organization's audit log",
    middleware: [orgScope()] as const,
    request: {
      params: z.object({ org_id: z.string().openapi({ param: { name: 'org_id', in: 'path' } }) }),
      query: AuditFilters,
    },
    responses,
  }),
  (c) => answer(c, c.get('db'), c.get('scope'), c.req.valid('query')) as never,
);

/** `/v1/audit-log` (API key) and `/v1/apps/{app_id}/audit-log`: one app's entries. */
export const appAuditRoutes = createAppRouter().openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Audit log'],
    operationId: 'listAuditLog',
    summary: "One app's audit log",
    request: { query: AuditFilters },
    responses,
  }),
  (c) => answer(c, c.get('db'), c.get('scope'), c.req.valid('query')) as never,
);
