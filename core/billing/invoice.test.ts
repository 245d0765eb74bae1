import { describe, expect, it } from 'vitest';
import { priceInvoice, spansOf } from './invoice';
import { planById } from './plans';

/** Invoice math: included quantities, overage, proration on a mid-period change (issue 15). */
const DAY = 86_400_000;
const start = Date.UTC(2026, 9, 1); // October 2026: 31 days
const end = Date.UTC(2026, 10, 1);
const pro = planById('pro');
const business = planById('business');
const min = (n: number) => n * 60;

describe('priceInvoice', () => {
  it('charges nothing past the fee while usage stays within what is included', () => {
    const inv = priceInvoice(start, end, [
      { plan: pro, start, end, usage: { delivered_seconds: min(50_000), ingest_seconds: min(10) } },
    ]);
    expect(inv.lines[0]).toMatchObject({ kind: 'base', amount_cents: 4_900, quantity: 1 });
    expect(inv.lines.filter((l) => l.kind === 'metered').every((l) => l.amount_cents === 0)).toBe(true);
    expect(inv.total_cents).toBe(4_900);
  });

  it('bills the overage past the included quantity at the unit price, rounded per line', () => {
    const inv = priceInvoice(start, end, [
      { plan: pro, start, end, usage: { delivered_seconds: min(50_000 + 12_345), encoded_seconds_hd: min(6_001) } },
    ]);
    const delivered = inv.lines.find((l) => l.meter === 'delivered_seconds');
    // 12,345 minutes × 0.08 ¢ = 987.6 ¢ → 988 ¢.
    expect(delivered).toMatchObject({ quantity: 62_345, included: 50_000, billable: 12_345, amount_cents: 988 });
    // 1 minute × 0.5 ¢ = 0.5 ¢ → 1 ¢ (half up).
    expect(inv.lines.find((l) => l.meter === 'encoded_seconds_hd')?.amount_cents).toBe(1);
    expect(inv.total_cents).toBe(4_900 + 988 + 1);
    expect(inv.total_cents).toBe(inv.lines.reduce((s, l) => s + l.amount_cents, 0));
  });

  it('prices simulcast minutes and storage GB-months past what the plan includes', () => {
    // 250 GB held every hour of a 31-day month: 250 × 744 / 730 GB-months; Pro includes 200.
    const byteHours = 250e9 * 31 * 24;
    const inv = priceInvoice(start, end, [
      { plan: pro, start, end, usage: { simulcast_seconds: min(3_000 + 100), stored_byte_hours: byteHours } },
    ]);
    const simulcast = inv.lines.find((l) => l.meter === 'simulcast_seconds');
    // 100 minutes × 0.2 ¢ = 20 ¢.
    expect(simulcast).toMatchObject({ unit: 'minute', quantity: 3_100, included: 3_000, amount_cents: 20 });
    const stored = inv.lines.find((l) => l.meter === 'stored_byte_hours');
    // 254.795 GB-months: 54.795 billable at 3 ¢ = 164.4 ¢ → 164 ¢.
    expect(stored).toMatchObject({ unit: 'gb_month', quantity: 254.795, included: 200, billable: 54.795 });
    expect(stored?.amount_cents).toBe(164);
    expect(inv.total_cents).toBe(4_900 + 20 + 164);
  });

  it('prorates the fees and the included quantities on a mid-period change', () => {
    const change = start + 10 * DAY; // Pro for 10 days, Business for 21
    const spans = spansOf(start, end, [{ at: change, plan: 'business' }], 'pro');
    expect(spans).toEqual([
      { plan: 'pro', start, end: change },
      { plan: 'business', start: change, end },
    ]);
    const inv = priceInvoice(start, end, [
      { plan: pro, start, end: change, usage: { delivered_seconds: min(20_000) } },
      { plan: business, start: change, end, usage: { delivered_seconds: min(700_000) } },
    ]);
    const base = inv.lines.filter((l) => l.kind === 'base').map((l) => l.amount_cents);
    expect(base).toEqual([Math.round((4_900 * 10) / 31), Math.round((49_900 * 21) / 31)]);
    const delivered = inv.lines.filter((l) => l.meter === 'delivered_seconds');
    // Pro's 50,000 included minutes × 10/31 = 16,129.032: 3,870.968 billable at 0.08 ¢.
    expect(delivered[0]).toMatchObject({ included: 16_129.032, billable: 3_870.968, amount_cents: 310 });
    // Business's 1,000,000 × 21/31 = 677,419.355: 22,580.645 billable at 0.05 ¢.
    expect(delivered[1]).toMatchObject({ included: 677_419.355, billable: 22_580.645, amount_cents: 1_129 });
    expect(inv.total_cents).toBe(1_581 + 33_803 + 310 + 1_129);
  });

  it('takes the plan at the period start from earlier history and ignores changes outside it', () => {
    const spans = spansOf(
      start,
      end,
      [
        { at: start - 40 * DAY, plan: 'business' },
        { at: start - DAY, plan: 'pro' },
        { at: start + DAY, plan: 'pro' },
        { at: end + DAY, plan: 'free' },
      ],
      'free',
    );
    expect(spans).toEqual([{ plan: 'pro', start, end }]);
  });
});
