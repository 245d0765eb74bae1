import { useParams, useSearchParams } from 'react-router';
import { useInvoices, useMonthUsage, useSubscription } from '../../features/billing/billing.queries';
import { InvoicesTable } from '../../features/billing/invoices-table';
import { LimitBars } from '../../features/billing/limit-bars';
import { PlanPanel } from '../../features/billing/plan-panel';
import { UsageBanner } from '../../features/billing/usage-banner';
import { StorageByKind } from '../../features/billing/usage-breakdown';
import { UsageCharts } from '../../features/billing/usage-charts';
import { roleAtLeast, useOrgs } from '../../features/orgs/orgs.queries';
import { PageHeader } from '../../ui/page-header';
import { ErrorState, Loading } from '../../ui/states';

/** An org's usage this month, its plan's limits, the way to another plan, and its invoices (issue 15). */
export function UsagePage() {
  const { orgId = '' } = useParams();
  const [search] = useSearchParams();
  const orgs = useOrgs();
  const sub = useSubscription(orgId);
  const usage = useMonthUsage(orgId);
  const byKind = useMonthUsage(orgId, 'kind');
  const invoices = useInvoices(orgId);
  const role = orgs.data?.find((o) => o.id === orgId)?.role;
  const checkout = search.get('checkout');
  return (
    <>
      <PageHeader
        title="Usage and billing"
        description="What this organization's apps used this month, against its plan."
      />
      {checkout === 'done' && (
        <div className="alert info" role="status">
          Payment received by Stripe: the plan changes as soon as Stripe confirms it.
        </div>
      )}
      {sub.isLoading && <Loading />}
      {sub.error && <ErrorState error={sub.error} retry={() => sub.refetch()} />}
      {sub.data && (
        <>
          <UsageBanner sub={sub.data} />
          <PlanPanel orgId={orgId} sub={sub.data} isOwner={roleAtLeast(role, 'owner')} />
        </>
      )}
      {usage.error && <ErrorState error={usage.error} retry={() => usage.refetch()} />}
      {usage.data && <UsageCharts from={usage.data.from} to={usage.data.to} rows={usage.data.data} />}
      {byKind.data && <StorageByKind rows={byKind.data.data} />}
      {sub.data && (
        <section className="panel" aria-label="Limits">
          <h2>Limits of the {sub.data.plan.name} plan</h2>
          <LimitBars usage={sub.data.usage} />
        </section>
      )}
      <section className="panel" aria-label="Invoices">
        <h2>Invoices</h2>
        {invoices.error && <ErrorState error={invoices.error} />}
        {invoices.data && <InvoicesTable invoices={invoices.data} />}
      </section>
    </>
  );
}
