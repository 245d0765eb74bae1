import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { InvoiceLine } from '../../billing/invoice';

/**
 * Usage metering and plans (issue 15). Meters are counted in the isolate that sees the work and
 * flushed here about once a second as additive upserts (core/usage/recorder.ts), never one write
 * per request. Every flush adds to the minute, hour and day bucket at once, so the three
 * granularities always agree and no roll-up job can fall behind.
 */
export const usageBuckets = sqliteTable(
  'usage_buckets',
  {
    granularity: text('granularity', { enum: ['minute', 'hour', 'day'] }).notNull(),
    /** Start of the bucket, epoch milliseconds (UTC). */
    bucket: integer('bucket').notNull(),
    appId: text('app_id').notNull(),
    /** '' for work that belongs to the app rather than one stream (API requests, storage). */
    streamId: text('stream_id').notNull(),
    meter: text('meter').notNull(),
    /**
     * What the meter splits by below a stream, '' when nothing: the simulcast target of
     * `simulcast_seconds`, the kind of bytes of `stored_byte_hours` (STORAGE_KINDS).
     */
    dimension: text('dimension').notNull().default(''),
    quantity: real('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.granularity, t.bucket, t.appId, t.streamId, t.meter, t.dimension] }),
    index('usage_buckets_app_time').on(t.appId, t.granularity, t.bucket),
  ],
);

/** Distinct chat users per app per calendar month (UTC): chat monthly active users. */
export const usageChatUsers = sqliteTable(
  'usage_chat_users',
  {
    appId: text('app_id').notNull(),
    /** 'YYYY-MM'. */
    month: text('month').notNull(),
    userId: text('user_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.appId, t.month, t.userId] })],
);

/** An org's plan. No row means the `free` plan since the org was created. */
export const subscriptions = sqliteTable('subscriptions', {
  orgId: text('org_id').primaryKey(),
  plan: text('plan').notNull(),
  status: text('status', { enum: ['active', 'past_due', 'canceled'] }).notNull(),
  /** Who sets the plan: the operator or owner by hand, or Stripe's webhooks. */
  billing: text('billing', { enum: ['manual', 'stripe'] }).notNull(),
  periodStart: integer('period_start').notNull(),
  periodEnd: integer('period_end').notNull(),
  /** Percentages of each limit at which `usage.threshold_reached` fires (JSON array). */
  alertThresholds: text('alert_thresholds', { mode: 'json' }).$type<number[]>().notNull(),
  stripeCustomerId: text('stripe_customer_id'),
  stripeSubscriptionId: text('stripe_subscription_id'),
  /** Plan changes within the period, for proration: [{at, plan}] (JSON). */
  changes: text('changes', { mode: 'json' }).$type<{ at: number; plan: string }[]>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** One row per alert sent, so each threshold fires once per limit per period. */
export const usageAlerts = sqliteTable(
  'usage_alerts',
  {
    orgId: text('org_id').notNull(),
    limit: text('limit').notNull(),
    threshold: integer('threshold').notNull(),
    periodStart: integer('period_start').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.limit, t.threshold, t.periodStart] })],
);

/** Stripe webhook event ids already applied: a replayed event changes nothing. */
export const stripeEvents = sqliteTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: integer('received_at').notNull(),
});

/**
 * Every plan change, kept past the period it happened in (the subscription row keeps only the
 * current period's): what invoices of closed months prorate by.
 */
export const planChanges = sqliteTable(
  'plan_changes',
  {
    orgId: text('org_id').notNull(),
    at: integer('at').notNull(),
    plan: text('plan').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.at] })],
);

/**
 * An invoice, issued once per org and closed calendar month and never recomputed: what the org
 * was told it owes stays what it owes. Lines as priced by core/billing/invoice.ts (JSON).
 */
export const invoices = sqliteTable(
  'invoices',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    periodStart: integer('period_start').notNull(),
    periodEnd: integer('period_end').notNull(),
    currency: text('currency').notNull(),
    lines: text('lines', { mode: 'json' }).$type<InvoiceLine[]>().notNull(),
    subtotalCents: integer('subtotal_cents').notNull(),
    totalCents: integer('total_cents').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('invoices_org_period').on(t.orgId, t.periodStart)],
);
