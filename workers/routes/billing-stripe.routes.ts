import { createRoute, z } from '@hono/zod-openapi';
import { createDb } from '../../core/db/client';
import { commonErrors, createRouter, idParam, json, jsonBody, publicSecurity, sessionSecurity } from '../lib/router';
import { orgScope } from '../middleware/scope';
import { priceOfPlan, stripeClient, verifiedStripeEvent } from '../services/stripe.service';
import { applyStripeEvent } from '../services/stripe-events.service';
import { subscriptionOf } from '../services/subscriptions.service';
import { changePlan } from './billing.routes';

/**
 * Payments through Stripe (issue 15): Checkout to start a paid plan, the customer portal to manage
 * it, and Stripe's webhook, which is what actually moves the subscription.
 */
const tags = ['Billing'];
const OrgParam = idParam('org_id', 'org_123');
const UrlAnswer = z.object({ id: z.string(), url: z.string() }).openapi('BillingRedirect');

const checkout = createRoute({
  method: 'post',
  path: '/{org_id}/billing/checkout',
  operationId: 'createCheckoutSession',
  tags,
  summary: 'Start a Stripe Checkout for a paid plan (owners); open the returned URL',
  security: sessionSecurity,
  middleware: [orgScope('owner')] as const,
  request: {
    params: OrgParam,
    ...jsonBody(
      z
        .object({
          plan: z.enum(['pro', 'business']),
          success_url: z.string().url().max(2000),
          cancel_url: z.string().url().max(2000),
        })
        .strict(),
    ),
  },
  responses: { 200: json(UrlAnswer), ...commonErrors },
});

const portal = createRoute({
  method: 'post',
  path: '/{org_id}/billing/portal',
  operationId: 'createBillingPortalSession',
  tags,
  summary: "Open Stripe's customer portal for the org (owners; after a Checkout)",
  security: sessionSecurity,
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam, ...jsonBody(z.object({ return_url: z.string().url().max(2000) }).strict()) },
  responses: { 200: json(UrlAnswer), ...commonErrors, 409: commonErrors[400] },
});

export const billingStripeRoutes = createRouter()
  .openapi(checkout, async (c) => {
    const { orgId } = c.get('scope');
    const body = c.req.valid('json');
    const sub = await subscriptionOf(c.get('db'), c.env, orgId);
    const session = await stripeClient(c.env).checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: priceOfPlan(c.env, body.plan), quantity: 1 }],
      client_reference_id: orgId,
      ...(sub.stripeCustomerId ? { customer: sub.stripeCustomerId } : {}),
      metadata: { org_id: orgId, plan: body.plan },
      // Copied by Stripe onto the subscription and its invoices: how later events name the plan.
      subscription_data: { metadata: { org_id: orgId, plan: body.plan } },
      success_url: body.success_url,
      cancel_url: body.cancel_url,
    });
    c.set('audit', {
      action: 'billing.checkout',
      resourceType: 'org',
      resourceId: orgId,
      details: { plan: body.plan },
    });
    return c.json({ id: session.id, url: session.url ?? '' }, 200);
  })
  .openapi(portal, async (c) => {
    const { orgId } = c.get('scope');
    const sub = await subscriptionOf(c.get('db'), c.env, orgId);
    if (!sub.stripeCustomerId) {
      return c.json(
        { error: { code: 'no_stripe_customer', message: 'The org has not paid through Stripe yet.' } },
        409,
      );
    }
    const session = await stripeClient(c.env).billingPortal.sessions.create({
      customer: sub.stripeCustomerId,
      return_url: c.req.valid('json').return_url,
    });
    return c.json({ id: session.id, url: session.url }, 200);
  });

const webhook = createRoute({
  method: 'post',
  path: '/stripe/webhook',
  operationId: 'receiveStripeWebhook',
  tags,
  summary: "Stripe's webhook (verified by its Stripe-Signature; not for API callers)",
  security: publicSecurity,
  responses: {
    200: json(z.object({ received: z.boolean(), applied: z.boolean(), reason: z.string().optional() })),
    400: commonErrors[400],
  },
});

export const stripeWebhookRoutes = createRouter().openapi(webhook, async (c) => {
  // The signature covers the exact bytes, so the body is read as text, never re-serialized.
  const event = await verifiedStripeEvent(c.env, await c.req.text(), c.req.header('stripe-signature'));
  const db = createDb(c.env.DB);
  const outcome = await applyStripeEvent(db, c.env, event, (orgId, change) => changePlan(db, c.env, orgId, change));
  return c.json(
    { received: true, applied: outcome.applied, ...(outcome.applied ? {} : { reason: outcome.reason }) },
    200,
  );
});
