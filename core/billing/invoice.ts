import { METERS, type MeterName } from '@edgelive/shared/usage';
import type { Plan } from './plans';

/**
 * Invoice math (issue 15), pure so it is pinned by tests without a database: a period is split
 * into the spans each plan held (a mid-period change makes two), and each span pays its plan's
 * fee and its metered overage in proportion to its share of the period. Included quantities are
 * prorated the same way, so upgrading on the 15th does not grant a full month of Pro minutes.
 * Amounts are whole cents: each line is rounded once, the total is the sum of the lines.
 */
export interface PlanSpan {
  plan: Plan;
  start: number;
  end: number;
  /** What the span used, per meter, in the meter's own unit (seconds, bytes, ...). */
  usage: Partial<Record<MeterName, number>>;
}

export interface InvoiceLine {
  kind: 'base' | 'metered';
  description: string;
  plan: Plan['id'];
  meter: MeterName | null;
  period: { start: number; end: number };
  /** What `quantity` counts: `month` for the fee (a share of it), `minute` for the minute prices. */
  unit: string;
  /** Priced units used in the span (minutes for the minute meters). */
  quantity: number;
  /** Priced units the span includes (prorated). */
  included: number;
  /** quantity − included, never below 0. */
  billable: number;
  unit_cents: number;
  amount_cents: number;
}

export interface PricedInvoice {
  currency: string;
  lines: InvoiceLine[];
  subtotal_cents: number;
  total_cents: number;
}

/** Three decimals: enough to show a prorated included quantity, stable when read back. */
const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function priceInvoice(periodStart: number, periodEnd: number, spans: PlanSpan[]): PricedInvoice {
  const length = periodEnd - periodStart;
  if (!(length > 0)) throw new Error('An invoice period must have a length.');
  const lines: InvoiceLine[] = [];
  for (const span of spans) {
    const share = Math.max(0, Math.min(span.end, periodEnd) - Math.max(span.start, periodStart)) / length;
    if (share <= 0) continue;
    const period = { start: span.start, end: span.end };
    const prorated = share < 1 ? ` (prorated ${round3(share * 100)} %)` : '';
    lines.push({
      kind: 'base',
      description: `${span.plan.name} plan${prorated}`,
      plan: span.plan.id,
      meter: null,
      period,
      unit: 'month',
      quantity: round3(share),
      included: 0,
      billable: round3(share),
      unit_cents: span.plan.base_cents,
      amount_cents: Math.round(span.plan.base_cents * share),
    });
    for (const price of span.plan.prices) {
      const quantity = round3((span.usage[price.meter] ?? 0) / price.per);
      const included = round3(price.included * share);
      const billable = round3(Math.max(0, quantity - included));
      lines.push({
        kind: 'metered',
        description: price.label,
        plan: span.plan.id,
        meter: price.meter,
        period,
        unit: pricedUnitOf(price.meter, price.per),
        quantity,
        included,
        billable,
        unit_cents: price.unit_cents,
        amount_cents: Math.round(billable * price.unit_cents),
      });
    }
  }
  const subtotal = lines.reduce((s, l) => s + l.amount_cents, 0);
  return { currency: spans[0]?.plan.currency ?? 'usd', lines, subtotal_cents: subtotal, total_cents: subtotal };
}

/** The unit a metered line counts in: the plans quote seconds meters per minute (`per: 60`). */
const pricedUnitOf = (meter: MeterName, per: number): string => {
  if (METERS[meter].unit === 'second' && per === 60) return 'minute';
  if (METERS[meter].unit === 'byte_hour' && per === 730e9) return 'gb_month';
  return METERS[meter].unit;
};

/**
 * The spans of a period from a plan history (each change: from `at`, `plan` holds). `initial` is
 * the plan at the period's start when the history says nothing earlier.
 */
export function spansOf(
  periodStart: number,
  periodEnd: number,
  history: { at: number; plan: string }[],
  initial: string,
): { plan: string; start: number; end: number }[] {
  const sorted = [...history].sort((a, b) => a.at - b.at);
  let current = initial;
  for (const c of sorted) if (c.at <= periodStart) current = c.plan;
  const out: { plan: string; start: number; end: number }[] = [{ plan: current, start: periodStart, end: periodEnd }];
  for (const c of sorted) {
    if (c.at <= periodStart || c.at >= periodEnd) continue;
    const last = out[out.length - 1]!;
    if (c.plan === last.plan) continue;
    last.end = c.at;
    out.push({ plan: c.plan, start: c.at, end: periodEnd });
  }
  return out;
}
