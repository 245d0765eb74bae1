import { errorMessage } from '../../api/errors';
import { type Plan, type Subscription, useBillingPortal, useChangePlan, usePlans } from './billing.queries';

const price = (p: Plan) => (p.base_cents ? `$${p.base_cents / 100} / month` : 'Free');
const day = (iso: string) => new Date(iso).toLocaleDateString('en-US', { dateStyle: 'medium', timeZone: 'UTC' });

/** The current plan and the way to another one (owners only; the API decides in any case). */
export function PlanPanel({ orgId, sub, isOwner }: { orgId: string; sub: Subscription; isOwner: boolean }) {
  const plans = usePlans();
  const change = useChangePlan(orgId);
  const portal = useBillingPortal(orgId);
  const rank = (id: string) => plans.data?.findIndex((p) => p.id === id) ?? 0;
  return (
    <section className="panel" aria-label="Plan">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <div>
          <div className="muted small">Current plan</div>
          <h2 style={{ margin: '2px 0' }}>
            {sub.plan.name} <span className="badge ok">{sub.status}</span>
          </h2>
          <div className="muted small">
            {price(sub.plan)} · period {day(sub.current_period.start)} to{' '}
            {day(new Date(Date.parse(sub.current_period.end) - 1).toISOString())} · billing {sub.billing}
          </div>
        </div>
        {isOwner && (
          <div className="row">
            {sub.billing === 'stripe' && (
              <button type="button" className="button" disabled={portal.isPending} onClick={() => portal.mutate()}>
                Manage payment
              </button>
            )}
            {(plans.data ?? [])
              .filter((p) => p.id !== sub.plan.id)
              .map((p) => (
                <button
                  key={p.id}
                  type="button"
                  className={rank(p.id) > rank(sub.plan.id) ? 'button primary' : 'button'}
                  disabled={change.isPending}
                  onClick={() => change.mutate(p.id)}
                >
                  {rank(p.id) > rank(sub.plan.id) ? `Upgrade to ${p.name} (${price(p)})` : `Move to ${p.name}`}
                </button>
              ))}
          </div>
        )}
      </div>
      {(change.isError || portal.isError) && (
        <div className="alert error" role="alert">
          {errorMessage(change.error ?? portal.error)}
        </div>
      )}
      {sub.over_limits.length > 0 && (
        <p className="small">
          Past this plan's limits: {sub.over_limits.map((u) => u.limit).join(', ')}. Nothing already held is removed;
          new work past a limit is refused.
        </p>
      )}
    </section>
  );
}
