import { and, eq, gte, lte } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { auditLog } from '../../core/db/schema/index';
import { keyset } from '../lib/pagination';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditFilters {
  actor_id?: string;
  action?: string;
  resource_type?: string;
  resource_id?: string;
  since?: string;
  until?: string;
}

/** An org's (or, with `appId`, one app's) entries, newest first: `limit` rows from `cursor` on. */
export function queryAuditLog(
  db: Db,
  scope: { orgId: string; appId: string | null },
  f: AuditFilters,
  page: { limit: number; cursor?: string },
): Promise<AuditRow[]> {
  const ks = keyset(auditLog.createdAt, auditLog.id, page.cursor);
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.orgId, scope.orgId),
        scope.appId ? eq(auditLog.appId, scope.appId) : undefined,
        f.actor_id ? eq(auditLog.actorId, f.actor_id) : undefined,
        f.action ? eq(auditLog.action, f.action) : undefined,
        f.resource_type ? eq(auditLog.resourceType, f.resource_type) : undefined,
        f.resource_id ? eq(auditLog.resourceId, f.resource_id) : undefined,
        f.since ? gte(auditLog.createdAt, Date.parse(f.since)) : undefined,
        f.until ? lte(auditLog.createdAt, Date.parse(f.until)) : undefined,
        ks.where,
      ),
    )
    .orderBy(...ks.orderBy)
    .limit(page.limit);
}
