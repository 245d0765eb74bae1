import Stripe from 'stripe';
import { isPlanId, type PlanId } from '../../core/billing/plans';
import type { Env } from '../../core/env';
import { badRequest } from '../lib/errors';

/**
 * Stripe through its official SDK (issue 15), on `fetch` and WebCrypto so it runs in workerd.
 * `STRIPE_API_BASE` points the SDK at another host (the tests' local stand-in); by default it talks
 * to api.stripe.com. Which paid plan a Stripe price is comes from `STRIPE_PRICE_PRO/BUSINESS`, or
 * from `metadata.plan`, which Checkout puts on the subscription.
 */
export const stripeConfigured = (env: Env) => !!env.STRIPE_SECRET_KEY;

export function stripeClient(env: Env): Stripe {
  if (!env.STRIPE_SECRET_KEY) throw badRequest('Stripe is not configured: billing is manual on this deployment.');
  const base = env.STRIPE_API_BASE ? new URL(env.STRIPE_API_BASE) : null;
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    telemetry: false,
    maxNetworkRetries: 1,
    timeout: 15_000,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'http:' ? 'http' : 'https',
        }
      : {}),
  });
}

export function priceOfPlan(env: Env, plan: PlanId): string {
  const price = plan === 'pro' ? env.STRIPE_PRICE_PRO : plan === 'business' ? env.STRIPE_PRICE_BUSINESS : undefined;
  if (!price) throw badRequest(`No Stripe price is configured for the ${plan} plan.`);
  return price;
}

export function planOfPrice(env: Env, priceId: string | undefined, metadata?: Record<string, string> | null) {
  if (priceId && priceId === env.STRIPE_PRICE_PRO) return 'pro';
  if (priceId && priceId === env.STRIPE_PRICE_BUSINESS) return 'business';
  const fromMeta = metadata?.plan;
  return fromMeta && isPlanId(fromMeta) ? fromMeta : null;
}

/**
 * The event, if Stripe signed it with our secret within the SDK's tolerance (5 minutes): a forged
 * body or an old capture replayed later answers 400 and changes nothing.
 */
export async function verifiedStripeEvent(
  env: Env,
  body: string,
  signature: string | undefined,
): Promise<Stripe.Event> {
  if (!env.STRIPE_WEBHOOK_SECRET) throw badRequest('Stripe webhooks are not configured on this deployment.');
  if (!signature) throw badRequest('Missing the Stripe-Signature header.');
  try {
    return await Stripe.webhooks.constructEventAsync(
      body,
      signature,
      env.STRIPE_WEBHOOK_SECRET,
      undefined,
      Stripe.createSubtleCryptoProvider(),
    );
  } catch (err) {
    throw badRequest(`The Stripe signature does not verify: ${(err as Error).message}`);
  }
}
