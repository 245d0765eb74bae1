import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import { ApiRequestError } from '../../api/errors';

export type Subscription = Schemas['Subscription'];
export type Plan = Schemas['Plan'];
export type LimitUse = Schemas['LimitUse'];
export type Invoice = Schemas['Invoice'];
export type UsageRow = Schemas['UsageRow'];

const keys = {
  subscription: (orgId: string) => ['orgs', orgId, 'subscription'] as const,
  usage: (orgId: string) => ['orgs', orgId, 'usage', 'month'] as const,
  invoices: (orgId: string) => ['orgs', orgId, 'invoices'] as const,
};
const path = (orgId: string) => ({ path: { org_id: orgId } });

export function useSubscription(orgId: string) {
  return useQuery({
    queryKey: keys.subscription(orgId),
    queryFn: () => unwrap(api.GET('/v1/orgs/{org_id}/subscription', { params: path(orgId) })),
    refetchInterval: 30_000,
  });
}

export function usePlans() {
  return useQuery({ queryKey: ['plans'], queryFn: () => unwrap(api.GET('/v1/plans')), staleTime: 3_600_000 });
}

export type UsageGroup = 'metric' | 'stream' | 'kind' | 'target';

/** This calendar month by day (the API's default window), every meter; `groupBy` splits the rows. */
export function useMonthUsage(orgId: string, groupBy: UsageGroup = 'metric') {
  return useQuery({
    queryKey: [...keys.usage(orgId), groupBy],
    queryFn: () =>
      // The route also answers CSV, so its generated type is a union; this read asks for JSON.
      unwrap(
        api.GET('/v1/orgs/{org_id}/usage', {
          params: { ...path(orgId), query: { granularity: 'day', group_by: groupBy } },
        }),
      ).then((r) => r as Schemas['Usage']),
    refetchInterval: 30_000,
  });
}

/** One app's month, the same way (its Usage page). */
export function useAppMonthUsage(appId: string, groupBy: UsageGroup = 'metric') {
  return useQuery({
    queryKey: ['apps', appId, 'usage', 'month', groupBy],
    queryFn: () =>
      unwrap(
        api.GET('/v1/apps/{app_id}/usage', {
          params: { path: { app_id: appId }, query: { granularity: 'day', group_by: groupBy } },
        }),
      ).then((r) => r as Schemas['Usage']),
    refetchInterval: 30_000,
  });
}

export function useInvoices(orgId: string) {
  return useQuery({
    queryKey: keys.invoices(orgId),
    queryFn: () =>
      unwrap(api.GET('/v1/orgs/{org_id}/invoices', { params: { ...path(orgId), query: { limit: 24 } } })).then(
        (r) => r.data,
      ),
  });
}

/**
 * Moves the org to `plan`. Without Stripe the owner sets it directly; with Stripe the API answers
 * 409 `checkout_required` for a paid plan, and the upgrade continues in Stripe Checkout (the
 * browser leaves for its URL, and Stripe's webhook moves the plan when the payment went through).
 */
export function useChangePlan(orgId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (plan: Plan['id']): Promise<{ redirect: string | null }> => {
      try {
        await unwrap(api.PUT('/v1/orgs/{org_id}/subscription', { params: path(orgId), body: { plan } }));
        return { redirect: null };
      } catch (err) {
        if (!(err instanceof ApiRequestError && err.code === 'checkout_required') || plan === 'free') throw err;
      }
      const here = `${window.location.origin}${window.location.pathname}`;
      const session = await unwrap(
        api.POST('/v1/orgs/{org_id}/billing/checkout', {
          params: path(orgId),
          body: { plan, success_url: `${here}?checkout=done`, cancel_url: `${here}?checkout=canceled` },
        }),
      );
      return { redirect: session.url };
    },
    onSuccess: ({ redirect }) => {
      if (redirect) window.location.assign(redirect);
      else void qc.invalidateQueries({ queryKey: ['orgs', orgId] });
    },
  });
}

/** Stripe's customer portal (payment method, receipts, cancel): the browser leaves for its URL and comes back here. */
export function useBillingPortal(orgId: string) {
  return useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/orgs/{org_id}/billing/portal', {
          params: path(orgId),
          body: { return_url: `${window.location.origin}${window.location.pathname}` },
        }),
      ),
    onSuccess: (s) => window.location.assign(s.url),
  });
}
