import { type MeterName, monthStart } from '@edgelive/shared/usage';
import { asc, count, eq, inArray, isNull, min, or, sql } from 'drizzle-orm';
import { planById } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import { apps, events, orgs, webhookEndpoints } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { webhookStub } from '../../core/stubs';
import type { EndpointBacklog } from '../../durable-objects/webhook-endpoint/contract';
import { listOrigins, type OriginView } from './origins.service';
import { subscriptionOf } from './subscriptions.service';
import { totalsOf, usageSeries } from './usage.service';

/**
 * The operator's platform-wide views: the origin fleet, the webhook backlog, and each org's plan
 * and usage this period. They reuse the services the fleet, webhooks and billing already have
 * (origins.service, the endpoint objects' own queues, subscriptions.service and usage.service).
 */

/** Every origin that beat or that the deployment knows a secret of (one that never beat is `down`). */
export async function adminOrigins(db: Db, configured: string[], now = Date.now()): Promise<OriginView[]> {
  const seen = await listOrigins(db, now);
  const silent = configured
    .filter((id) => !seen.some((o) => o.originId === id))
    .map<OriginView>((originId) => ({
      originId,
      health: 'down',
      lastSeenAt: 0,
      registeredAt: null,
      publications: 0,
      cpu: null,
      backlogBytes: null,
      ingest: null,
    }));
  return [...seen, ...silent].sort((a, b) => a.originId.localeCompare(b.originId));
}

/** How many endpoint queues one look asks: failing ones first, so the ones that matter are in it. */
export const BACKLOG_ENDPOINTS = 100;

export interface EndpointBacklogView extends EndpointBacklog {
  endpoint: typeof webhookEndpoints.$inferSelect;
  orgId: string;
  orgName: string;
}

/**
 * What waits for delivery: events in the outbox not yet handed to an endpoint's queue, and each
 * endpoint's own queue (pending and failed deliveries, asked of its Durable Object), for enabled
 * endpoints and those we disabled after they kept failing. Most backlogged first.
 */
export async function webhookBacklog(db: Db, env: Env) {
  const outbox = await db
    .select({ n: count(), oldest: min(events.createdAt) })
    .from(events)
    .where(isNull(events.deliveredAt))
    .get();
  const rows = await db
    .select({ endpoint: webhookEndpoints, orgId: orgs.id, orgName: orgs.name })
    .from(webhookEndpoints)
    .innerJoin(apps, eq(apps.id, webhookEndpoints.appId))
    .innerJoin(orgs, eq(orgs.id, apps.orgId))
    .where(or(eq(webhookEndpoints.enabled, true), eq(webhookEndpoints.disabledReason, 'failing')))
    .orderBy(sql`${webhookEndpoints.failingSince} IS NULL`, asc(webhookEndpoints.failingSince), webhookEndpoints.id)
    .limit(BACKLOG_ENDPOINTS);
  const queues = await Promise.all(rows.map((r) => webhookStub(env, r.endpoint.id).backlog()));
  const endpoints: EndpointBacklogView[] = rows
    .map((r, i) => ({ ...r, ...queues[i]! }))
    .sort((a, b) => b.pending - a.pending || b.failed - a.failed);
  return {
    outbox: { undelivered: outbox?.n ?? 0, oldestAt: outbox?.oldest ?? null },
    endpoints,
    totals: {
      pending: endpoints.reduce((s, e) => s + e.pending, 0),
      failed: endpoints.reduce((s, e) => s + e.failed, 0),
    },
  };
}

export interface OrgPlanUsage {
  plan: { id: string; name: string; status: string };
  periodStart: number;
  periodEnd: number;
  usage: Record<MeterName, number>;
}

/**
 * Each org's plan (its subscription, or the deployment's default) and what its apps used in the
 * current calendar-month period: one usage read for all the orgs of a page, summed per org.
 */
export async function orgPlansAndUsage(
  db: Db,
  env: Env,
  orgIds: string[],
  now = Date.now(),
): Promise<Map<string, OrgPlanUsage>> {
  const out = new Map<string, OrgPlanUsage>();
  if (!orgIds.length) return out;
  const from = monthStart(now);
  const appRows = await db.select({ id: apps.id, orgId: apps.orgId }).from(apps).where(inArray(apps.orgId, orgIds));
  const rows = await usageSeries(
    db,
    appRows.map((a) => a.id),
    { from, to: now, granularity: 'month', groupBy: 'app' },
  );
  const orgOf = new Map(appRows.map((a) => [a.id, a.orgId]));
  const subs = await Promise.all(orgIds.map((id) => subscriptionOf(db, env, id, now)));
  for (const sub of subs) {
    const plan = planById(sub.plan);
    out.set(sub.orgId, {
      plan: { id: plan.id, name: plan.name, status: sub.status },
      periodStart: sub.periodStart,
      periodEnd: sub.periodEnd,
      usage: totalsOf(rows.filter((r) => r.app_id && orgOf.get(r.app_id) === sub.orgId)),
    });
  }
  return out;
}
