import { monthStart, nextMonthStart } from '@edgelive/shared/usage';
import { eq } from 'drizzle-orm';
import { DEFAULT_PLAN, isPlanId, type Plan, type PlanId, planById } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import { apps, planChanges, subscriptions } from '../../core/db/schema/index';
import type { Env } from '../../core/env';

/**
 * An org's subscription: its plan and billing period (calendar months, UTC). An org without a row
 * is on the deployment's default plan. The period rolls forward on read, so nothing needs a job at midnight; plan changes
 * within a period are kept for proration (core/billing/invoice.ts).
 */
export type SubscriptionRow = typeof subscriptions.$inferSelect;

export const DEFAULT_ALERT_THRESHOLDS = [80, 100];

/** The plan of an org that never chose one: `DEFAULT_PLAN` of the deployment, else `free`. */
export const defaultPlanOf = (env: Env): PlanId =>
  env.DEFAULT_PLAN && isPlanId(env.DEFAULT_PLAN) ? env.DEFAULT_PLAN : DEFAULT_PLAN;

function fresh(env: Env, orgId: string, now: number): SubscriptionRow {
  return {
    orgId,
    plan: defaultPlanOf(env),
    status: 'active',
    billing: 'manual',
    periodStart: monthStart(now),
    periodEnd: nextMonthStart(now),
    alertThresholds: DEFAULT_ALERT_THRESHOLDS,
    stripeCustomerId: null,
    stripeSubscriptionId: null,
    changes: [],
    updatedAt: now,
  };
}

/** The current subscription (a fresh `free` one when none was ever set). */
export async function subscriptionOf(db: Db, env: Env, orgId: string, now = Date.now()): Promise<SubscriptionRow> {
  const row = await db.query.subscriptions.findFirst({ where: eq(subscriptions.orgId, orgId) });
  if (!row) return fresh(env, orgId, now);
  if (now < row.periodEnd) return row;
  // A new period: the plan carries over, this period's changes start empty.
  return { ...row, periodStart: monthStart(now), periodEnd: nextMonthStart(now), changes: [] };
}

export async function planOfOrg(db: Db, env: Env, orgId: string): Promise<Plan> {
  return planById((await subscriptionOf(db, env, orgId)).plan);
}

export async function orgOfApp(db: Db, appId: string): Promise<string | null> {
  const app = await db.query.apps.findFirst({ columns: { orgId: true }, where: eq(apps.id, appId) });
  return app?.orgId ?? null;
}

export interface PlanChange {
  plan: PlanId;
  billing?: SubscriptionRow['billing'];
  status?: SubscriptionRow['status'];
  stripeCustomerId?: string | null;
  stripeSubscriptionId?: string | null;
  alertThresholds?: number[];
}

/** Writes a change; returns the row before and after. A plan change is appended to `changes`. */
export async function updateSubscription(db: Db, env: Env, orgId: string, change: PlanChange, now = Date.now()) {
  const before = await subscriptionOf(db, env, orgId, now);
  const planChanged = change.plan !== before.plan;
  const after: SubscriptionRow = {
    ...before,
    plan: change.plan,
    billing: change.billing ?? before.billing,
    status: change.status ?? before.status,
    stripeCustomerId: change.stripeCustomerId === undefined ? before.stripeCustomerId : change.stripeCustomerId,
    stripeSubscriptionId:
      change.stripeSubscriptionId === undefined ? before.stripeSubscriptionId : change.stripeSubscriptionId,
    alertThresholds: change.alertThresholds ?? before.alertThresholds,
    changes: planChanged ? [...before.changes, { at: now, plan: change.plan }] : before.changes,
    updatedAt: now,
  };
  // The first change of a period also records what the period began with, for proration.
  if (planChanged && !before.changes.length)
    after.changes = [{ at: before.periodStart, plan: before.plan }, ...after.changes];
  const write = db
    .insert(subscriptions)
    .values(after)
    .onConflictDoUpdate({ target: subscriptions.orgId, set: { ...after, orgId: undefined } });
  if (!planChanged) await write;
  else {
    // The lasting history invoices of closed months prorate by (the row keeps one period's).
    const history = after.changes.map((c) => ({ orgId, at: c.at, plan: c.plan }));
    await db.batch([write, db.insert(planChanges).values(history).onConflictDoNothing()]);
  }
  return { before, after, planChanged };
}

export async function subscriptionByStripeCustomer(db: Db, customerId: string) {
  return db.query.subscriptions.findFirst({ where: eq(subscriptions.stripeCustomerId, customerId) });
}
