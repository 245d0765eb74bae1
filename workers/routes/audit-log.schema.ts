import { z } from '@hono/zod-openapi';
import { iso } from '../../core/time';
import { PageQuery } from '../lib/pagination';
import type { AuditRow } from '../services/audit-log.service';

/** Shapes of the audit log API, its renderer, and the CSV export's columns and quoting. */

export const AuditEntry = z
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

export const AuditFilters = PageQuery.extend({
  actor_id: z.string().max(64).optional(),
  action: z.string().max(100).optional(),
  resource_type: z.string().max(50).optional(),
  resource_id: z.string().max(64).optional(),
  since: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
  until: z.iso.datetime().optional().openapi({ description: 'ISO 8601, inclusive' }),
  format: z.enum(['json', 'csv']).default('json'),
});

export const renderAuditEntry = (r: AuditRow) => ({
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

export const CSV_COLUMNS = [
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
export const CSV_MAX_ROWS = 10_000;

/** RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula. */
export function csvCell(v: unknown): string {
  let s = v == null ? '' : String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
