import { isRungName, RUNGS, type RungName } from '@edgelive/shared/ladder';
import { and, count, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { type LimitName, type Plan, type PlanId, planById } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import {
  apps,
  invitations,
  members,
  streamSessions,
  streams,
  usageChatUsers,
  webhookEndpoints,
} from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { deliverEvents, eventStatement, newEventRow } from '../../core/events';
import { newId } from '../../core/ids';
import { monthOf } from '../../core/usage/recorder';
import { ApiError } from '../lib/errors';
import { latestStoredBytes } from './stored-usage.service';
import { orgOfApp, planOfOrg } from './subscriptions.service';

/**
 * Plan limits where they bite (issue 15). Each check counts what the org holds now and refuses the
 * new thing with `402 plan_limit_exceeded` naming the limit, what is used and what is allowed;
 * nothing already held is taken away when a plan shrinks (a downgrade refuses only new work).
 */
export const planLimitExceeded = (
  limit: LimitName,
  used: number | string,
  allowed: number | string,
  plan: PlanId,
  status: 402 | 429 = 402,
) =>
  new ApiError(
    status,
    'plan_limit_exceeded',
    `The ${planById(plan).name} plan allows ${allowed} for ${limit.replaceAll('_', ' ')}; ${used} in use.`,
    { limit, used, allowed, plan },
  );

function check(plan: Plan, limit: LimitName, used: number) {
  const allowed = plan.limits[limit];
  if (typeof allowed === 'number' && used >= allowed) throw planLimitExceeded(limit, used, allowed, plan.id);
}

async function planOfApp(db: Db, env: Env, appId: string): Promise<{ orgId: string; plan: Plan } | null> {
  const orgId = await orgOfApp(db, appId);
  return orgId ? { orgId, plan: await planOfOrg(db, env, orgId) } : null;
}

const orgApps = (db: Db, orgId: string) => db.select({ id: apps.id }).from(apps).where(eq(apps.orgId, orgId));

/**
 * Concurrent live streams, checked at `on_publish`. A stream with a connected publisher counts
 * (`active`); one waiting in its reconnect window does not hold a slot, and the stream publishing
 * now never counts against itself (a reconnect resumes). A refusal is kept twice, in one D1 batch:
 * as a `refused` session in the stream's session log (with the error the origin got) and as the
 * event `stream.publish_refused`.
 */
export async function assertPublishAllowed(
  db: Db,
  env: Env,
  stream: { id: string; appId: string },
  originId: string,
): Promise<RungName | undefined> {
  const p = await planOfApp(db, env, stream.appId);
  if (!p) return undefined;
  const [row] = await db
    .select({ n: count() })
    .from(streams)
    .where(
      and(inArray(streams.appId, orgApps(db, p.orgId)), eq(streams.liveStatus, 'active'), ne(streams.id, stream.id)),
    );
  try {
    check(p.plan, 'live_streams', row?.n ?? 0);
  } catch (err) {
    if (err instanceof ApiError) await recordRefusal(db, env, stream, originId, err);
    throw err;
  }
  return planMaxRung(p.plan);
}

async function recordRefusal(db: Db, env: Env, stream: { id: string; appId: string }, originId: string, err: ApiError) {
  const now = Date.now();
  const error = { code: err.code, message: err.message, details: err.details };
  const event = newEventRow(
    {
      appId: stream.appId,
      type: 'stream.publish_refused',
      objectType: 'stream',
      objectId: stream.id,
      data: { id: stream.id, error },
    },
    now,
  );
  await db.batch([
    db.insert(streamSessions).values({
      id: newId('streamSession'),
      streamId: stream.id,
      appId: stream.appId,
      status: 'refused',
      originId,
      refusal: error,
      recording: false,
      startedAt: now,
      endedAt: now,
      createdAt: now,
    }),
    eventStatement(db, event),
  ]);
  await deliverEvents(env, [event]);
}

/**
 * The highest rung the plan lets a ladder encode (`max_quality`), for the publish answer: rungs
 * above it are left out of the session's ladder, and so is the passthrough `source` (it may be
 * taller), as the app's own `max_quality` setting does. Plans above 1080p allow every rung there is.
 */
export function planMaxRung(plan: Plan): RungName | undefined {
  const q = plan.limits.max_quality;
  return isRungName(q) ? q : undefined;
}

/** The lower of two caps (either may be absent). */
export function lowerRung(a: RungName | undefined, b: RungName | undefined): RungName | undefined {
  if (!a || !b) return a ?? b;
  return RUNGS[a].height <= RUNGS[b].height ? a : b;
}

/** Webhook endpoints of the app's org, before one more is created. */
export async function assertWebhookEndpointAllowed(db: Db, env: Env, appId: string) {
  const p = await planOfApp(db, env, appId);
  if (!p) return;
  const [row] = await db
    .select({ n: count() })
    .from(webhookEndpoints)
    .where(inArray(webhookEndpoints.appId, orgApps(db, p.orgId)));
  check(p.plan, 'webhook_endpoints', row?.n ?? 0);
}

/** Seats: members plus open invitations count, so an invitation is refused, not its acceptance. */
export async function assertSeatAllowed(db: Db, env: Env, orgId: string) {
  const plan = await planOfOrg(db, env, orgId);
  const [m] = await db.select({ n: count() }).from(members).where(eq(members.orgId, orgId));
  const [i] = await db
    .select({ n: count() })
    .from(invitations)
    .where(
      and(
        eq(invitations.orgId, orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, Date.now()),
      ),
    );
  check(plan, 'team_seats', (m?.n ?? 0) + (i?.n ?? 0));
}

/** Per-stream counts (simulcast targets, inputs): the caller counts, the plan decides. */
export async function assertPerStreamAllowed(
  db: Db,
  env: Env,
  appId: string,
  limit: 'simulcast_targets_per_stream' | 'inputs_per_stream',
  used: number,
) {
  const p = await planOfApp(db, env, appId);
  if (p) check(p.plan, limit, used);
}

/** A stream's DVR window (create or update): more than the plan's is refused (free has none). */
export async function assertDvrWindowAllowed(db: Db, env: Env, appId: string, seconds: number) {
  const p = await planOfApp(db, env, appId);
  const allowed = p?.plan.limits.dvr_window_seconds;
  if (p && typeof allowed === 'number' && seconds > allowed)
    throw planLimitExceeded('dvr_window_seconds', seconds, allowed, p.plan.id);
}

/**
 * Recording storage, before new media is kept (an upload, a clip, a live session's recording): the
 * org's bytes by their latest hourly samples (stored-usage.service.ts), so the check is one read,
 * never an R2 listing, and a figure at most an hour old. At or past the plan's GB the answer is the
 * refusal to give (null while there is room); nothing already stored is touched.
 */
export async function storageRefusal(db: Db, env: Env, appId: string): Promise<ApiError | null> {
  const p = await planOfApp(db, env, appId);
  const allowed = p?.plan.limits.recording_storage_gb;
  if (!p || typeof allowed !== 'number') return null;
  const ids = (await orgApps(db, p.orgId)).map((a) => a.id);
  const gb = Math.round((await latestStoredBytes(env, ids)) / 1e6) / 1000;
  return gb >= allowed ? planLimitExceeded('recording_storage_gb', gb, allowed, p.plan.id) : null;
}

/** New uploads and clips past the plan's recording storage: 402 `plan_limit_exceeded`. */
export async function assertStorageAllowed(db: Db, env: Env, appId: string) {
  const refused = await storageRefusal(db, env, appId);
  if (refused) throw refused;
}

/**
 * Chat monthly active users, when a user opens a room socket with a chat token: one already active
 * this month always gets in; a new one is refused once the org's month has the plan's number.
 * (Anonymous readers cannot post, so they are never active users.)
 */
export async function assertChatUserAllowed(db: Db, env: Env, appId: string, userId: string, now = Date.now()) {
  const p = await planOfApp(db, env, appId);
  const allowed = p?.plan.limits.chat_monthly_active_users;
  if (!p || typeof allowed !== 'number') return;
  const [row] = await db
    .select({
      n: sql<number>`count(distinct ${usageChatUsers.userId})`,
      seen: sql<number>`coalesce(max(${usageChatUsers.appId} = ${appId} and ${usageChatUsers.userId} = ${userId}), 0)`,
    })
    .from(usageChatUsers)
    .where(and(inArray(usageChatUsers.appId, orgApps(db, p.orgId)), eq(usageChatUsers.month, monthOf(now))));
  if (row?.seen) return;
  check(p.plan, 'chat_monthly_active_users', Number(row?.n ?? 0));
}
