import { METER_NAMES } from '@edgelive/shared/usage';
import { z } from '@hono/zod-openapi';
import { PLANS, type Plan } from '../../core/billing/plans';
import type { InvoiceRow } from '../services/invoices.service';

/** The invoice as JSON (issue 15): the same lines the PDF prints. */
const planIds = PLANS.map((p) => p.id) as [Plan['id'], ...Plan['id'][]];
const Period = z.object({ start: z.string(), end: z.string() });

export const InvoiceLineSchema = z
  .object({
    kind: z.enum(['base', 'metered']),
    description: z.string(),
    plan: z.enum(planIds),
    meter: z.enum(METER_NAMES as [string, ...string[]]).nullable(),
    period: Period.openapi({ description: 'The span of the period this plan held' }),
    unit: z.string().openapi({
      description: '`month` for the fee (quantity is its share), `minute` for minute prices, `gb_month` for storage',
    }),
    quantity: z.number(),
    included: z.number().openapi({ description: 'Included units, prorated by the span' }),
    billable: z.number(),
    unit_cents: z.number(),
    amount_cents: z.number().int(),
  })
  .openapi('InvoiceLine');

export const InvoiceSchema = z
  .object({
    id: z.string(),
    org_id: z.string(),
    status: z.literal('issued'),
    period: Period,
    currency: z.string(),
    lines: z.array(InvoiceLineSchema),
    subtotal_cents: z.number().int(),
    total_cents: z.number().int(),
    created_at: z.string(),
    pdf_url: z.string(),
  })
  .openapi('Invoice');

const iso = (t: number) => new Date(t).toISOString();

export const renderInvoice = (r: InvoiceRow) => ({
  id: r.id,
  org_id: r.orgId,
  status: 'issued' as const,
  period: { start: iso(r.periodStart), end: iso(r.periodEnd) },
  currency: r.currency,
  lines: r.lines.map((l) => ({ ...l, period: { start: iso(l.period.start), end: iso(l.period.end) } })),
  subtotal_cents: r.subtotalCents,
  total_cents: r.totalCents,
  created_at: iso(r.createdAt),
  pdf_url: `/v1/orgs/${r.orgId}/invoices/${r.id}/pdf`,
});
