import { and, desc, eq, gte } from 'drizzle-orm';
import { planById } from '../../core/billing/plans';
import { createDb, type Db } from '../../core/db/client';
import { apps, usageAlerts, usageBuckets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitOrgEvent } from '../../core/events';
import { limitUsage } from './limit-usage.service';
import { subscriptionOf } from './subscriptions.service';

/**
 * Usage alerts (issue 15): when an org's use of a limit reaches one of its thresholds (80 % and
 * 100 % unless the owner chose others), `usage.threshold_reached` (or `usage.limit_reached` at
 * 100 %) goes to every app's webhooks, once per threshold per limit per period: the alert row's
 * insert decides, so two sweeps racing send one event.
 */
export async function evaluateAlerts(db: Db, env: Env, orgId: string, now = Date.now()) {
  const sub = await subscriptionOf(db, env, orgId, now);
  const plan = planById(sub.plan);
  const fired: { limit: string; threshold: number }[] = [];
  for (const u of await limitUsage(db, env, plan, sub, now)) {
    if (u.percent === null) continue;
    for (const threshold of [...sub.alertThresholds].sort((a, b) => a - b)) {
      if (u.percent < threshold) break;
      const inserted = await db
        .insert(usageAlerts)
        .values({ orgId, limit: u.limit, threshold, periodStart: sub.periodStart, createdAt: now })
        .onConflictDoNothing()
        .returning({ threshold: usageAlerts.threshold });
      if (!inserted.length) continue;
      fired.push({ limit: u.limit, threshold });
      await emitOrgEvent(env, orgId, {
        type: threshold >= 100 ? 'usage.limit_reached' : 'usage.threshold_reached',
        objectType: 'org',
        objectId: orgId,
        data: { org_id: orgId, plan: plan.id, limit: u.limit, threshold, used: u.used, allowed: u.allowed },
      });
    }
  }
  return fired;
}

/** This period's alerts, newest first: the console's banner. */
export function alertsOf(db: Db, orgId: string, periodStart: number) {
  return db
    .select()
    .from(usageAlerts)
    .where(and(eq(usageAlerts.orgId, orgId), eq(usageAlerts.periodStart, periodStart)))
    .orderBy(desc(usageAlerts.createdAt));
}

/** Run by the Cron Trigger every minute: every org that used anything in the last few minutes. */
export async function sweepUsageAlerts(env: Env, now = Date.now()) {
  const db = createDb(env.DB);
  const active = await db
    .selectDistinct({ orgId: apps.orgId })
    .from(usageBuckets)
    .innerJoin(apps, eq(apps.id, usageBuckets.appId))
    .where(and(eq(usageBuckets.granularity, 'minute'), gte(usageBuckets.bucket, now - 5 * 60_000)));
  for (const { orgId } of active) await evaluateAlerts(db, env, orgId, now);
}
