import type { Subscription } from './billing.queries';
import { LIMIT_LABELS } from './limit-bars';

/** The banner at thresholds: the highest threshold reached this period, per limit. */
export function UsageBanner({ sub }: { sub: Subscription }) {
  const top = new Map<string, number>();
  for (const a of sub.alerts) top.set(a.limit, Math.max(top.get(a.limit) ?? 0, a.threshold));
  if (!top.size) return null;
  const reached = [...top].filter(([, t]) => t >= 100);
  return (
    <div className={`banner ${reached.length ? 'bad' : 'warn'}`} role="status">
      <span>
        {[...top]
          .map(([limit, t]) => `${LIMIT_LABELS[limit as keyof typeof LIMIT_LABELS] ?? limit}: ${t} % reached`)
          .join(' · ')}
      </span>
    </div>
  );
}
