import { and, eq, gte, inArray, sum } from 'drizzle-orm';
import { type PlanId, planById } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import { apps, usageBuckets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { planLimitExceeded } from './plan-limits.service';
import { orgOfApp, subscriptionOf } from './subscriptions.service';

/**
 * The hard cap on delivered minutes (issue 15): on a plan whose `delivered_minutes_enforcement` is
 * `hard` (free), a viewer who opens a master playlist once the org delivered its month's minutes is
 * refused with 402 `plan_limit_exceeded`. It bites where a viewer starts watching, not on every
 * segment: a player already playing finishes its playlist window, and segments (the hot path) never
 * wait for D1. Each isolate remembers an app's answer for `CACHE_MS`, so a crowd of viewers opening
 * the same stream costs one read; the figures are the flushed usage, so the cap is exact to about
 * a second of delivery plus the cache time.
 */
const CACHE_MS = 30_000;
const answers = new Map<string, { at: number; refusal: { used: number; allowed: number; plan: PlanId } | null }>();

async function refusalOf(db: Db, env: Env, appId: string) {
  const orgId = await orgOfApp(db, appId);
  if (!orgId) return null;
  const sub = await subscriptionOf(db, env, orgId);
  const plan = planById(sub.plan);
  const allowed = plan.limits.delivered_minutes_per_month;
  if (plan.limits.delivered_minutes_enforcement !== 'hard' || allowed === null) return null;
  const orgApps = db.select({ id: apps.id }).from(apps).where(eq(apps.orgId, orgId));
  const [row] = await db
    .select({ s: sum(usageBuckets.quantity).mapWith(Number) })
    .from(usageBuckets)
    .where(
      and(
        inArray(usageBuckets.appId, orgApps),
        eq(usageBuckets.granularity, 'day'),
        eq(usageBuckets.meter, 'delivered_seconds'),
        gte(usageBuckets.bucket, sub.periodStart),
      ),
    );
  const used = Math.round(((row?.s ?? 0) / 60) * 1000) / 1000;
  return used >= allowed ? { used, allowed, plan: plan.id } : null;
}

export async function assertDeliveryAllowed(db: Db, env: Env, appId: string, now = Date.now()) {
  let answer = answers.get(appId);
  if (!answer || now - answer.at > CACHE_MS) {
    answer = { at: now, refusal: await refusalOf(db, env, appId) };
    answers.set(appId, answer);
    // Bounded: an isolate serving many apps forgets the oldest answers first.
    if (answers.size > 5000) answers.delete(answers.keys().next().value!);
  }
  if (answer.refusal)
    throw planLimitExceeded(
      'delivered_minutes_per_month',
      answer.refusal.used,
      answer.refusal.allowed,
      answer.refusal.plan,
    );
}
