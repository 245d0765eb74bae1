import type { MeterName } from '@edgelive/shared/usage';

/**
 * Plans are data (issue 15): what each allows and what it costs. `GET /v1/plans` serves this list;
 * limits are checked where they bite (workers/services/plan-limits.service.ts), invoices price usage
 * with it (core/billing/invoice.ts). `null` is no limit. Money is in cents of `currency`.
 */
export const LIMIT_NAMES = [
  'live_streams',
  'max_quality',
  'dvr_window_seconds',
  'recording_storage_gb',
  'delivered_minutes_per_month',
  'simulcast_targets_per_stream',
  'inputs_per_stream',
  'chat_monthly_active_users',
  'webhook_endpoints',
  'team_seats',
  'api_requests_per_minute',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface PlanLimits {
  live_streams: number | null;
  /** The highest rung a ladder may have. */
  max_quality: '720p' | '1080p' | '2160p';
  dvr_window_seconds: number | null;
  recording_storage_gb: number | null;
  delivered_minutes_per_month: number | null;
  /** `hard`: playback is refused past the limit; `soft`: alerts only. */
  delivered_minutes_enforcement: 'soft' | 'hard';
  simulcast_targets_per_stream: number | null;
  inputs_per_stream: number | null;
  chat_monthly_active_users: number | null;
  webhook_endpoints: number | null;
  team_seats: number | null;
  api_requests_per_minute: number | null;
}

/** One metered price: `included` units per period, then `unit_cents` per `per` units. */
export interface MeteredPrice {
  meter: MeterName;
  /** How the invoice names the line. */
  label: string;
  /** Units of the meter per priced unit (60 seconds make the minute prices are quoted in). */
  per: number;
  included: number;
  /** Price of one priced unit past `included`, in cents (fractions allowed; the line total is rounded). */
  unit_cents: number;
}

export interface Plan {
  id: 'free' | 'pro' | 'business';
  name: string;
  currency: 'usd';
  base_cents: number;
  limits: PlanLimits;
  prices: MeteredPrice[];
}

/**
 * Storage priced per GB-month (R2's way): the meter counts byte-hours (a byte held an hour), so
 * one priced unit is 1e9 bytes held for the 730 hours of an average month. The plan's storage GB
 * are included.
 */
export const BYTE_HOURS_PER_GB_MONTH = 1e9 * 730;
const storage = (includedGb: number, centsPerGbMonth: number): MeteredPrice => ({
  meter: 'stored_byte_hours',
  label: 'Storage (GB-months)',
  per: BYTE_HOURS_PER_GB_MONTH,
  included: includedGb,
  unit_cents: centsPerGbMonth,
});

const minutes = (meter: MeterName, label: string, included: number, unitCents: number): MeteredPrice => ({
  meter,
  label,
  per: 60,
  included,
  unit_cents: unitCents,
});

export const PLANS: readonly Plan[] = [
  {
    id: 'free',
    name: 'Free',
    currency: 'usd',
    base_cents: 0,
    limits: {
      live_streams: 1,
      max_quality: '720p',
      dvr_window_seconds: 0,
      recording_storage_gb: 5,
      delivered_minutes_per_month: 1_000,
      delivered_minutes_enforcement: 'hard',
      simulcast_targets_per_stream: 1,
      inputs_per_stream: 1,
      chat_monthly_active_users: 100,
      webhook_endpoints: 2,
      team_seats: 2,
      api_requests_per_minute: 120,
    },
    // Free is never billed: nothing past the limits is served.
    prices: [],
  },
  {
    id: 'pro',
    name: 'Pro',
    currency: 'usd',
    base_cents: 4_900,
    limits: {
      live_streams: 5,
      max_quality: '1080p',
      dvr_window_seconds: 4 * 3600,
      recording_storage_gb: 200,
      delivered_minutes_per_month: 50_000,
      delivered_minutes_enforcement: 'soft',
      simulcast_targets_per_stream: 5,
      inputs_per_stream: 4,
      chat_monthly_active_users: 10_000,
      webhook_endpoints: 10,
      team_seats: 10,
      api_requests_per_minute: 1_200,
    },
    prices: [
      minutes('ingest_seconds', 'Live ingest minutes', 3_000, 0.5),
      minutes('encoded_seconds_sd', 'Encoded minutes (SD)', 6_000, 0.25),
      minutes('encoded_seconds_hd', 'Encoded minutes (HD)', 6_000, 0.5),
      minutes('delivered_seconds', 'Delivered minutes', 50_000, 0.08),
      minutes('simulcast_seconds', 'Simulcast minutes', 3_000, 0.2),
      storage(200, 3),
    ],
  },
  {
    id: 'business',
    name: 'Business',
    currency: 'usd',
    base_cents: 49_900,
    limits: {
      live_streams: 50,
      max_quality: '2160p',
      dvr_window_seconds: 24 * 3600,
      recording_storage_gb: 5_000,
      delivered_minutes_per_month: 1_000_000,
      delivered_minutes_enforcement: 'soft',
      simulcast_targets_per_stream: 10,
      inputs_per_stream: 8,
      chat_monthly_active_users: null,
      webhook_endpoints: 50,
      team_seats: null,
      api_requests_per_minute: 6_000,
    },
    prices: [
      minutes('ingest_seconds', 'Live ingest minutes', 30_000, 0.4),
      minutes('encoded_seconds_sd', 'Encoded minutes (SD)', 60_000, 0.2),
      minutes('encoded_seconds_hd', 'Encoded minutes (HD)', 60_000, 0.4),
      minutes('encoded_seconds_uhd', 'Encoded minutes (UHD)', 10_000, 1),
      minutes('delivered_seconds', 'Delivered minutes', 1_000_000, 0.05),
      minutes('simulcast_seconds', 'Simulcast minutes', 30_000, 0.15),
      storage(5_000, 2),
    ],
  },
];

export type PlanId = Plan['id'];
export const DEFAULT_PLAN: PlanId = 'free';
export const isPlanId = (s: string): s is PlanId => PLANS.some((p) => p.id === s);
export const planById = (id: string): Plan => PLANS.find((p) => p.id === id) ?? PLANS[0]!;
