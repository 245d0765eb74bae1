import { z } from '@hono/zod-openapi';
import type { operatorAudit, streams } from '../../core/db/schema/index';
import { iso } from '../../core/time';
import type { UserRow } from '../services/accounts.service';
import type { OrgPlanUsage } from '../services/admin-platform.service';
import type { OrgRow } from '../services/operators.service';

/** Shapes of the operator's admin area (/v1/admin). */

export const AdminOrg = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: z.string(),
    members: z.number().int(),
    apps: z.number().int(),
    live_streams: z.number().int(),
    suspended: z.boolean(),
    suspended_at: z.string().nullable(),
    suspended_reason: z.string().nullable(),
    plan: z.object({
      id: z.string(),
      name: z.string(),
      status: z.string().openapi({ description: 'The subscription status (`active`, `past_due`, ...)' }),
    }),
    usage: z
      .object({
        period_start: z.string(),
        period_end: z.string(),
        totals: z.record(z.string(), z.number()).openapi({ description: 'Each meter of `GET /v1/plans`, this period' }),
      })
      .openapi({
        description: "What the org's apps used in the current billing period (as `GET /v1/orgs/{id}/usage`)",
      }),
  })
  .openapi('AdminOrg');

export const renderAdminOrg = (o: OrgRow, pu: OrgPlanUsage, counts = { members: 0, apps: 0, liveStreams: 0 }) => ({
  id: o.id,
  name: o.name,
  created_at: iso(o.createdAt)!,
  members: counts.members,
  apps: counts.apps,
  live_streams: counts.liveStreams,
  suspended: o.suspendedAt != null,
  suspended_at: iso(o.suspendedAt),
  suspended_reason: o.suspendedReason,
  plan: pu.plan,
  usage: { period_start: iso(pu.periodStart)!, period_end: iso(pu.periodEnd)!, totals: pu.usage },
});

export const AdminUser = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    email_verified: z.boolean(),
    created_at: z.string(),
  })
  .openapi('AdminUser');

export const renderAdminUser = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  email_verified: u.emailVerifiedAt != null,
  created_at: iso(u.createdAt)!,
});

export const AdminLiveStream = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(['active', 'reconnecting', 'idle']),
    app_id: z.string(),
    app_name: z.string(),
    org_id: z.string(),
    org_name: z.string(),
    updated_at: z.string(),
  })
  .openapi('AdminLiveStream');

export const renderLiveStream = (r: {
  stream: typeof streams.$inferSelect;
  appName: string;
  orgId: string;
  orgName: string;
}) => ({
  id: r.stream.id,
  name: r.stream.name,
  status: r.stream.liveStatus,
  app_id: r.stream.appId,
  app_name: r.appName,
  org_id: r.orgId,
  org_name: r.orgName,
  updated_at: iso(r.stream.updatedAt)!,
});

export const OperatorAuditEntry = z
  .object({
    id: z.string(),
    operator_id: z.string(),
    operator_email: z.string(),
    action: z.string(),
    target_type: z.string(),
    target_id: z.string(),
    org_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).nullable(),
    ip: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('OperatorAuditEntry');

export const renderOperatorAudit = (r: typeof operatorAudit.$inferSelect) => ({
  id: r.id,
  operator_id: r.operatorId,
  operator_email: r.operatorEmail,
  action: r.action,
  target_type: r.targetType,
  target_id: r.targetId,
  org_id: r.orgId,
  details: r.details,
  ip: r.ip,
  created_at: iso(r.createdAt)!,
});

export const Reason = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
export const OptionalReason = z.object({ reason: z.string().trim().max(500).optional() }).strict();
