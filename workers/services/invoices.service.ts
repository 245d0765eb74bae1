import { GRANULARITY_MS, type MeterName, monthStart, nextMonthStart } from '@edgelive/shared/usage';
import { and, eq, gte, inArray, lt, sum } from 'drizzle-orm';
import { type PlanSpan, priceInvoice, spansOf } from '../../core/billing/invoice';
import { planById } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import { invoices, orgs, planChanges, usageBuckets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { notFound } from '../lib/errors';
import { keyset } from '../lib/pagination';
import { subscriptionOf } from './subscriptions.service';
import { orgAppIds } from './usage.service';

/**
 * Invoices (issue 15): one per org and closed calendar month, priced from the month's usage and
 * the plans that held in it (core/billing/invoice.ts). They are issued on first read after the
 * month closes and stored, so an invoice never changes once someone has seen it; no job has to run
 * at midnight. Months before the org existed get none; at most `MAX_MONTHS` back are issued.
 */
export type InvoiceRow = typeof invoices.$inferSelect;

const MAX_MONTHS = 36;
const HOUR = GRANULARITY_MS.hour;
/** An hour bucket belongs to the span holding its start, so spans cut at whole hours. */
const ceilHour = (t: number) => Math.ceil(t / HOUR) * HOUR;

async function usageOfSpan(db: Db, appIds: string[], start: number, end: number) {
  if (!appIds.length) return {};
  const rows = await db
    .select({ meter: usageBuckets.meter, quantity: sum(usageBuckets.quantity).mapWith(Number) })
    .from(usageBuckets)
    .where(
      and(
        inArray(usageBuckets.appId, appIds),
        eq(usageBuckets.granularity, 'hour'),
        gte(usageBuckets.bucket, ceilHour(start)),
        lt(usageBuckets.bucket, ceilHour(end)),
      ),
    )
    .groupBy(usageBuckets.meter);
  return Object.fromEntries(rows.map((r) => [r.meter, r.quantity])) as Partial<Record<MeterName, number>>;
}

/** Prices one month of one org from its plan history and hourly usage. */
export async function priceMonth(db: Db, env: Env, orgId: string, periodStart: number) {
  const periodEnd = nextMonthStart(periodStart);
  const history = await db
    .select({ at: planChanges.at, plan: planChanges.plan })
    .from(planChanges)
    .where(eq(planChanges.orgId, orgId));
  // The first recorded change holds the plan the org had before it (subscriptions.service.ts);
  // an org that never changed plan has had its current one all along.
  const first = [...history].sort((a, b) => a.at - b.at)[0];
  const initial = first ? first.plan : (await subscriptionOf(db, env, orgId)).plan;
  const appIds = await orgAppIds(db, orgId);
  const spans: PlanSpan[] = [];
  for (const s of spansOf(periodStart, periodEnd, history, initial)) {
    spans.push({
      plan: planById(s.plan),
      start: s.start,
      end: s.end,
      usage: await usageOfSpan(db, appIds, s.start, s.end),
    });
  }
  return { periodStart, periodEnd, ...priceInvoice(periodStart, periodEnd, spans) };
}

/** Issues every closed month's invoice the org does not have yet. */
export async function issueClosedInvoices(db: Db, env: Env, orgId: string, now = Date.now()) {
  const org = await db.query.orgs.findFirst({ columns: { createdAt: true }, where: eq(orgs.id, orgId) });
  if (!org) return;
  const current = monthStart(now);
  const months: number[] = [];
  for (let m = monthStart(org.createdAt); m < current; m = nextMonthStart(m)) months.push(m);
  const wanted = months.slice(-MAX_MONTHS);
  if (!wanted.length) return;
  const have = new Set(
    (
      await db
        .select({ p: invoices.periodStart })
        .from(invoices)
        .where(and(eq(invoices.orgId, orgId), inArray(invoices.periodStart, wanted)))
    ).map((r) => r.p),
  );
  for (const m of wanted) {
    if (have.has(m)) continue;
    const priced = await priceMonth(db, env, orgId, m);
    // Two readers issuing at once: the unique (org, period) index keeps the first.
    await db
      .insert(invoices)
      .values({
        id: newId('invoice'),
        orgId,
        periodStart: m,
        periodEnd: priced.periodEnd,
        currency: priced.currency,
        lines: priced.lines,
        subtotalCents: priced.subtotal_cents,
        totalCents: priced.total_cents,
        createdAt: now,
      })
      .onConflictDoNothing();
  }
}

/** Newest period first, cursor-paginated over (period start, id). */
export async function listInvoices(db: Db, env: Env, orgId: string, limit: number, cursor?: string) {
  await issueClosedInvoices(db, env, orgId);
  const k = keyset(invoices.periodStart, invoices.id, cursor);
  const rows = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), k.where))
    .orderBy(...k.orderBy)
    .limit(limit + 1);
  return rows;
}

export async function findInvoice(db: Db, env: Env, orgId: string, id: string): Promise<InvoiceRow> {
  await issueClosedInvoices(db, env, orgId);
  const row = await db.query.invoices.findFirst({ where: and(eq(invoices.orgId, orgId), eq(invoices.id, id)) });
  if (!row) throw notFound('invoice');
  return row;
}

export async function orgName(db: Db, orgId: string): Promise<string> {
  const org = await db.query.orgs.findFirst({ columns: { name: true }, where: eq(orgs.id, orgId) });
  return org?.name ?? orgId;
}
