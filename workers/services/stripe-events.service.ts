import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Db } from '../../core/db/client';
import { stripeEvents } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { isIdOf } from '../../core/ids';
import { planOfPrice } from './stripe.service';
import { type PlanChange, subscriptionByStripeCustomer, subscriptionOf } from './subscriptions.service';

/**
 * What a verified Stripe event changes (issue 15). Each event id is applied once: a replay (Stripe
 * retries, or someone resending a captured request inside the tolerance) answers `duplicate` and
 * changes nothing. Events about customers we do not know are acknowledged and ignored.
 */
export type StripeOutcome =
  | { applied: true; orgId: string; change: PlanChange }
  | { applied: false; reason: 'duplicate' | 'ignored' | 'unknown_customer' };

const idOf = (v: string | { id: string } | null | undefined) => (typeof v === 'string' ? v : (v?.id ?? null));

function statusOf(s: Stripe.Subscription.Status): PlanChange['status'] {
  if (s === 'active' || s === 'trialing') return 'active';
  if (s === 'canceled' || s === 'incomplete_expired') return 'canceled';
  return 'past_due';
}

async function orgOfCustomer(db: Db, customer: string | null) {
  return customer ? ((await subscriptionByStripeCustomer(db, customer))?.orgId ?? null) : null;
}

/** The change an event asks for, or why there is none. */
async function changeFor(
  db: Db,
  env: Env,
  event: Stripe.Event,
): Promise<{ orgId: string; change: PlanChange } | 'ignored' | 'unknown_customer'> {
  switch (event.type) {
    case 'checkout.session.completed': {
      const s = event.data.object;
      const orgId = s.client_reference_id;
      const plan = planOfPrice(env, undefined, s.metadata);
      if (!orgId || !isIdOf('org', orgId) || !plan) return 'ignored';
      return {
        orgId,
        change: {
          plan,
          billing: 'stripe',
          status: 'active',
          stripeCustomerId: idOf(s.customer),
          stripeSubscriptionId: idOf(s.subscription),
        },
      };
    }
    case 'customer.subscription.updated': {
      const sub = event.data.object;
      const orgId = await orgOfCustomer(db, idOf(sub.customer));
      if (!orgId) return 'unknown_customer';
      const plan = planOfPrice(env, sub.items.data[0]?.price.id, sub.metadata);
      const current = await subscriptionOf(db, env, orgId);
      return {
        orgId,
        change: {
          plan: plan ?? (current.plan as PlanChange['plan']),
          billing: 'stripe',
          status: statusOf(sub.status),
          stripeSubscriptionId: sub.id,
        },
      };
    }
    case 'customer.subscription.deleted': {
      const orgId = await orgOfCustomer(db, idOf(event.data.object.customer));
      if (!orgId) return 'unknown_customer';
      // Back to free: nothing stored is removed; new work past free's limits is refused.
      return { orgId, change: { plan: 'free', billing: 'manual', status: 'active', stripeSubscriptionId: null } };
    }
    case 'invoice.paid': {
      const inv = event.data.object;
      const orgId = await orgOfCustomer(db, idOf(inv.customer));
      if (!orgId) return 'unknown_customer';
      const meta = inv.parent?.subscription_details?.metadata ?? null;
      const current = await subscriptionOf(db, env, orgId);
      const plan = planOfPrice(env, undefined, meta) ?? (current.plan as PlanChange['plan']);
      return { orgId, change: { plan, billing: 'stripe', status: 'active' } };
    }
    default:
      return 'ignored';
  }
}

export async function applyStripeEvent(
  db: Db,
  env: Env,
  event: Stripe.Event,
  apply: (orgId: string, change: PlanChange) => Promise<unknown>,
): Promise<StripeOutcome> {
  const first = await db
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type, receivedAt: Date.now() })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  if (!first.length) return { applied: false, reason: 'duplicate' };
  try {
    const c = await changeFor(db, env, event);
    if (typeof c === 'string') return { applied: false, reason: c };
    await apply(c.orgId, c.change);
    return { applied: true, ...c };
  } catch (err) {
    // Not applied: forget the id, so Stripe's retry of this event gets another chance.
    await db.delete(stripeEvents).where(eq(stripeEvents.id, event.id));
    throw err;
  }
}
