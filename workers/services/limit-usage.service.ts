import { and, count, eq, gt, gte, inArray, isNull, sql, sum } from 'drizzle-orm';
import { LIMIT_NAMES, type LimitName, type Plan } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import {
  apps,
  invitations,
  members,
  streams,
  usageBuckets,
  usageChatUsers,
  webhookEndpoints,
} from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { monthOf } from '../../core/usage/recorder';
import { latestStoredBytes } from './stored-usage.service';
import type { SubscriptionRow } from './subscriptions.service';

/**
 * How much of each plan limit an org uses now: the figures `GET /v1/orgs/{id}/subscription`
 * shows as bars and the alert sweep compares with the thresholds. `used: null` is a limit that is
 * not a quantity (max quality) or is checked per stream at the moment it bites.
 */
export interface LimitUse {
  limit: LimitName;
  used: number | null;
  allowed: number | string | null;
  /** used / allowed × 100, when both are numbers. */
  percent: number | null;
}

export async function limitUsage(
  db: Db,
  env: Env,
  plan: Plan,
  sub: SubscriptionRow,
  now = Date.now(),
): Promise<LimitUse[]> {
  const orgApps = db.select({ id: apps.id }).from(apps).where(eq(apps.orgId, sub.orgId));
  const one = async (q: Promise<{ n: number | string | null }[]>) => Number((await q)[0]?.n ?? 0);
  const [live, endpoints, seats, pending, deliveredS, mau, storedBytes] = await Promise.all([
    one(
      db
        .select({ n: count() })
        .from(streams)
        .where(and(inArray(streams.appId, orgApps), eq(streams.liveStatus, 'active'))),
    ),
    one(db.select({ n: count() }).from(webhookEndpoints).where(inArray(webhookEndpoints.appId, orgApps))),
    one(db.select({ n: count() }).from(members).where(eq(members.orgId, sub.orgId))),
    one(
      db
        .select({ n: count() })
        .from(invitations)
        .where(
          and(
            eq(invitations.orgId, sub.orgId),
            isNull(invitations.acceptedAt),
            isNull(invitations.revokedAt),
            gt(invitations.expiresAt, now),
          ),
        ),
    ),
    one(
      db
        .select({ n: sum(usageBuckets.quantity) })
        .from(usageBuckets)
        .where(
          and(
            inArray(usageBuckets.appId, orgApps),
            eq(usageBuckets.granularity, 'day'),
            eq(usageBuckets.meter, 'delivered_seconds'),
            gte(usageBuckets.bucket, sub.periodStart),
          ),
        ),
    ),
    one(
      db
        .select({ n: sql<number>`count(distinct ${usageChatUsers.userId})` })
        .from(usageChatUsers)
        .where(and(inArray(usageChatUsers.appId, orgApps), eq(usageChatUsers.month, monthOf(now)))),
    ),
    // The latest hourly samples of R2 bytes (stored-usage.service.ts), as the storage limit reads them.
    orgApps.then((rows) =>
      latestStoredBytes(
        env,
        rows.map((r) => r.id),
      ),
    ),
  ]);
  const used: Partial<Record<LimitName, number>> = {
    live_streams: live,
    webhook_endpoints: endpoints,
    team_seats: seats + pending,
    delivered_minutes_per_month: Math.round((deliveredS / 60) * 1000) / 1000,
    chat_monthly_active_users: mau,
    recording_storage_gb: Math.round(storedBytes / 1e6) / 1000,
  };
  return LIMIT_NAMES.map((limit) => {
    const allowed = plan.limits[limit];
    const u = used[limit] ?? null;
    const percent =
      typeof allowed === 'number' && u !== null && allowed > 0 ? Math.round((u / allowed) * 1000) / 10 : null;
    return { limit, used: u, allowed, percent };
  });
}
