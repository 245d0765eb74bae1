import { Link, useParams } from 'react-router';
import { useApp } from '../../features/apps/apps.queries';
import { useAppMonthUsage, useSubscription } from '../../features/billing/billing.queries';
import { LimitBars } from '../../features/billing/limit-bars';
import { UsageBanner } from '../../features/billing/usage-banner';
import { StorageByKind, StreamBreakdown } from '../../features/billing/usage-breakdown';
import { UsageCharts } from '../../features/billing/usage-charts';
import { useStreams } from '../../features/streams/streams.queries';
import { PageHeader } from '../../ui/page-header';
import { ErrorState, Loading } from '../../ui/states';

/**
 * One app's usage this month (issue 15): its meters per day, per stream and storage by kind. Plans
 * and their limits belong to the org, so the bars are the org's (every app counts toward them);
 * plan changes and invoices stay on the org's page, linked from here.
 */
export function AppUsagePage() {
  const { appId = '' } = useParams();
  const app = useApp(appId);
  const orgId = app.data?.org_id ?? '';
  const sub = useSubscription(orgId);
  const usage = useAppMonthUsage(appId);
  const perStream = useAppMonthUsage(appId, 'stream');
  const byKind = useAppMonthUsage(appId, 'kind');
  const streams = useStreams(appId);
  const names = new Map((streams.data?.data ?? []).map((s) => [s.id, s.name]));
  return (
    <>
      <PageHeader title="Usage" description="What this app used this month, against its organization's plan." />
      {usage.isLoading && <Loading />}
      {usage.error && <ErrorState error={usage.error} retry={() => usage.refetch()} />}
      {sub.data && <UsageBanner sub={sub.data} />}
      {usage.data && <UsageCharts from={usage.data.from} to={usage.data.to} rows={usage.data.data} />}
      {perStream.data && <StreamBreakdown rows={perStream.data.data} names={names} />}
      {byKind.data && <StorageByKind rows={byKind.data.data} />}
      {sub.data && (
        <section className="panel" aria-label="Limits">
          <h2>Limits of the {sub.data.plan.name} plan</h2>
          <p className="muted small">
            The organization's limits: all its apps count toward them.{' '}
            <Link to={`/orgs/${orgId}/usage`}>Plan, upgrades and invoices</Link>
          </p>
          <LimitBars usage={sub.data.usage} />
        </section>
      )}
    </>
  );
}
