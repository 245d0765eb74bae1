import { z } from '@hono/zod-openapi';
import { LIMIT_NAMES, PLANS, type Plan } from '../../core/billing/plans';
import type { LimitUse } from '../services/limit-usage.service';
import type { SubscriptionRow } from '../services/subscriptions.service';

/** Renders of plans, subscriptions and invoices (issue 15). */
const planIds = PLANS.map((p) => p.id) as [Plan['id'], ...Plan['id'][]];

export const PlanSchema = z
  .object({
    id: z.enum(planIds),
    name: z.string(),
    currency: z.string(),
    base_cents: z.number().int().openapi({ description: 'The monthly fee, in cents' }),
    limits: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).openapi({
      description: `Limits (null: none): ${LIMIT_NAMES.join(', ')}, and delivered_minutes_enforcement (soft or hard)`,
    }),
    prices: z.array(
      z.object({
        meter: z.string(),
        label: z.string(),
        per: z.number().openapi({ description: 'Units of the meter per priced unit (60: per minute)' }),
        included: z.number().openapi({ description: 'Priced units included in the fee each period' }),
        unit_cents: z.number().openapi({ description: 'Cents per priced unit past the included ones' }),
      }),
    ),
  })
  .openapi('Plan');

export const renderPlan = (p: Plan) => ({ ...p, limits: { ...p.limits }, prices: p.prices.map((x) => ({ ...x })) });

export const LimitUseSchema = z
  .object({
    limit: z.enum(LIMIT_NAMES),
    used: z.number().nullable(),
    allowed: z.union([z.number(), z.string(), z.null()]),
    percent: z.number().nullable(),
  })
  .openapi('LimitUse');

export const AlertSchema = z.object({
  limit: z.string(),
  threshold: z.number().int(),
  created_at: z.string(),
});

export const SubscriptionSchema = z
  .object({
    org_id: z.string(),
    plan: PlanSchema,
    status: z.enum(['active', 'past_due', 'canceled']),
    billing: z
      .enum(['manual', 'stripe'])
      .openapi({ description: '`stripe` once a Checkout completed; else the plan is set by hand' }),
    current_period: z.object({ start: z.string(), end: z.string() }),
    alert_thresholds: z.array(z.number().int()),
    usage: z.array(LimitUseSchema),
    alerts: z.array(AlertSchema).openapi({ description: 'Thresholds reached this period, newest first' }),
    over_limits: z.array(LimitUseSchema).openapi({
      description:
        'Limits already past what the plan allows (after a downgrade): new work is refused, nothing held is removed',
    }),
  })
  .openapi('Subscription');

export const UpdateSubscriptionBody = z
  .object({
    plan: z.enum(planIds).optional(),
    alert_thresholds: z.array(z.number().int().min(1).max(100)).min(1).max(5).optional(),
  })
  .strict()
  .refine((b) => b.plan !== undefined || b.alert_thresholds !== undefined, {
    message: 'Give `plan` or `alert_thresholds`.',
  });

const iso = (t: number) => new Date(t).toISOString();

export function renderSubscription(
  sub: SubscriptionRow,
  plan: Plan,
  usage: LimitUse[],
  alerts: { limit: string; threshold: number; createdAt: number }[],
) {
  return {
    org_id: sub.orgId,
    plan: renderPlan(plan),
    status: sub.status,
    billing: sub.billing,
    current_period: { start: iso(sub.periodStart), end: iso(sub.periodEnd) },
    alert_thresholds: sub.alertThresholds,
    usage,
    alerts: alerts.map((a) => ({ limit: a.limit, threshold: a.threshold, created_at: iso(a.createdAt) })),
    over_limits: usage.filter((u) => typeof u.allowed === 'number' && u.used !== null && u.used > u.allowed),
  };
}
