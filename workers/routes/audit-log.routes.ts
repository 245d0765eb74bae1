import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { Db } from '../../core/db/client';
import { iso } from '../../core/time';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, createRouter } from '../lib/router';
import { orgScope } from '../middleware/scope';
import { type AuditRow, queryAuditLog } from '../services/audit-log.service';

const AuditEntry = z
  .object({
    id: z.string(),
    org_id: z.string(),
    app_id: z.string().nullable(),
    actor_type: z.string(),
    actor_id: z.string(),
    action: z.string(),
    resource_type: z.string(),
    resource_id: z.string().nullable(),
    ip: z.string().nullable(),
    success: z.boolean(),
    details: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
  })
  .openapi('AuditEntry');

const Filters = PageQuery.extend({
  actor_id: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  resource_type: z.string().max(50).optional(),
  resource_id: z.string().max(64).optional(),
  since: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
  until: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
  format: z.enum(['json', 'csv']).default('json'),
});

const render = (r: AuditRow) => ({
  id: r.id,
  org_id: r.orgId,
  app_id: r.appId,
  actor_type: r.actorType,
  actor_id: r.actorId,
  action: r.action,
  resource_type: r.resourceType,
  resource_id: r.resourceId,
  ip: r.ip,
  success: r.success,
  details: r.details ?? null,
  created_at: iso(r.createdAt)!,
});

const CSV_COLUMNS = [
  'created_at',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'app_id',
  'ip',
  'success',
] as const;
const CSV_MAX_ROWS = 10_000;

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
function csvCell(v: unknown): string {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** JSON page, or CSV (no cursor: the export starts at the newest entry) with format=csv. */
async function answer(c: Context, db: Db, scope: { orgId: string; appId: string | null }, f: z.infer<typeof Filters>) {
  if (f.format === 'csv') {
    const rows = await queryAuditLog(db, scope, f, { limit: CSV_MAX_ROWS });
    const lines = [CSV_COLUMNS.join(','), ...rows.map((r) => CSV_COLUMNS.map((k) => csvCell(render(r)[k])).join(','))];
    return c.body(`${lines.join('\r\n')}\r\n`, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="audit-log.csv"',
    });
  }
  const rows = await queryAuditLog(db, scope, f, { limit: f.limit + 1, cursor: f.cursor });
  return c.json(pageOf(rows, f.limit, render), 200);
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
    summary: "The organization's audit log",
    middleware: [orgScope()] as const,
    request: {
      params: z.object({ org_id: z.string().openapi({ param: { name: 'org_id', in: 'path' } }) }),
      query: Filters,
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
    summary: "One app's audit log",
    request: { query: Filters },
    responses,
  }),
  (c) => answer(c, c.get('db'), c.get('scope'), c.req.valid('query')) as never,
);
