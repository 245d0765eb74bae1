import { createRoute } from '@hono/zod-openapi';
import { PLANS, planById } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import type { Env } from '../../core/env';
import { emitOrgEvent } from '../../core/events';
import { ApiError } from '../lib/errors';
import { commonErrors, createRouter, idParam, json, jsonBody, publicSecurity, sessionSecurity } from '../lib/router';
import { orgScope } from '../middleware/scope';
import { limitUsage } from '../services/limit-usage.service';
import { stripeConfigured } from '../services/stripe.service';
import { type PlanChange, subscriptionOf, updateSubscription } from '../services/subscriptions.service';
import { orgAppIds } from '../services/usage.service';
import { alertsOf, evaluateAlerts } from '../services/usage-alerts.service';
import {
  PlanSchema,
  renderPlan,
  renderSubscription,
  SubscriptionSchema,
  UpdateSubscriptionBody,
} from './billing.schema';
import { usageAnswer, usageResponses } from './usage.routes';
import { UsageQuery } from './usage.schema';

/** An org's plan and usage (issue 15): `/v1/plans`, `/v1/orgs/{id}/usage`, `/v1/orgs/{id}/subscription`. */
const tags = ['Billing'];
const OrgParam = idParam('org_id', 'org_123');

const listPlans = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listPlans',
  tags,
  summary: 'The plans, with their limits and prices',
  security: publicSecurity,
  responses: { 200: json(PlanSchema.array().openapi('PlanList')) },
});

export const planRoutes = createRouter().openapi(listPlans, (c) => c.json(PLANS.map(renderPlan), 200));

const orgUsage = createRoute({
  method: 'get',
  path: '/{org_id}/usage',
  operationId: 'getOrgUsage',
  tags,
  summary: "Usage of all the org's apps per meter over time (JSON or CSV)",
  security: sessionSecurity,
  middleware: [orgScope('viewer')] as const,
  request: { params: OrgParam, query: UsageQuery },
  responses: usageResponses,
});

const getSubscription = createRoute({
  method: 'get',
  path: '/{org_id}/subscription',
  operationId: 'getSubscription',
  tags,
  summary: "The org's plan, period, usage against each limit and this period's alerts",
  security: sessionSecurity,
  middleware: [orgScope('viewer')] as const,
  request: { params: OrgParam },
  responses: { 200: json(SubscriptionSchema), ...commonErrors },
});

const putSubscription = createRoute({
  method: 'put',
  path: '/{org_id}/subscription',
  operationId: 'updateSubscription',
  tags,
  summary: 'Change the plan (owners; with Stripe configured, paid plans go through Checkout) or the alert thresholds',
  security: sessionSecurity,
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam, ...jsonBody(UpdateSubscriptionBody) },
  responses: { 200: json(SubscriptionSchema), ...commonErrors, 409: commonErrors[400] },
});

export async function subscriptionAnswer(db: Db, env: Env, orgId: string) {
  const sub = await subscriptionOf(db, env, orgId);
  const plan = planById(sub.plan);
  return renderSubscription(
    sub,
    plan,
    await limitUsage(db, env, plan, sub),
    await alertsOf(db, orgId, sub.periodStart),
  );
}

/** Sets a plan and tells every app of the org (`subscription.updated`) when it changed. */
export async function changePlan(db: Db, env: Env, orgId: string, change: PlanChange) {
  const { before, after, planChanged } = await updateSubscription(db, env, orgId, change);
  if (planChanged) {
    await emitOrgEvent(env, orgId, {
      type: 'subscription.updated',
      objectType: 'org',
      objectId: orgId,
      data: { org_id: orgId, plan: after.plan, previous_plan: before.plan, billing: after.billing },
    });
    // A smaller plan may already be past a threshold: say so now, not at the next sweep.
    await evaluateAlerts(db, env, orgId);
  }
  return after;
}

export const billingRoutes = createRouter()
  .openapi(orgUsage, async (c) => {
    const ids = await orgAppIds(c.get('db'), c.get('scope').orgId);
    return (await usageAnswer(c.get('db'), ids, c.req.valid('query'))) as never;
  })
  .openapi(getSubscription, async (c) =>
    c.json(await subscriptionAnswer(c.get('db'), c.env, c.get('scope').orgId), 200),
  )
  .openapi(putSubscription, async (c) => {
    const db = c.get('db');
    const { orgId } = c.get('scope');
    const body = c.req.valid('json');
    const current = await subscriptionOf(db, c.env, orgId);
    const plan = body.plan ?? current.plan;
    // With Stripe, money changes hands before a paid plan starts: Checkout, then its webhook.
    if (stripeConfigured(c.env) && plan !== current.plan && planById(plan).base_cents > 0) {
      throw new ApiError(409, 'checkout_required', 'Paid plans start through Stripe Checkout.', {
        checkout: `/v1/orgs/${orgId}/billing/checkout`,
      });
    }
    c.set('audit', { action: 'subscription.update', resourceType: 'org', resourceId: orgId, details: body });
    await changePlan(db, c.env, orgId, {
      plan: plan as never,
      alertThresholds: body.alert_thresholds,
      billing: plan !== current.plan && planById(plan).base_cents === 0 ? 'manual' : undefined,
    });
    return c.json(await subscriptionAnswer(db, c.env, orgId), 200);
  });
