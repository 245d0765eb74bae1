import { and, count, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { apps, members, operatorAudit, orgs, sessions, streams, users } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import type { Actor, OperatorActor } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { keyset, pageOf } from '../lib/pagination';
import { signSession } from '../lib/session';
import type { UserRow } from './accounts.service';
import { hasTwoFactor } from './two-factor.service';

/**
 * Platform operators: console users whose (verified) email the deployment lists in
 * OPERATOR_EMAILS. The role lives outside every organization, so it is never stored: change the
 * setting and the role follows. Operators must use two-factor sign-in.
 */
export const operatorEmails = (env: Env) =>
  new Set(
    (env.OPERATOR_EMAILS ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean),
  );

export const isOperatorEmail = (env: Env, user: Pick<UserRow, 'email' | 'emailVerifiedAt'>) =>
  user.emailVerifiedAt != null && operatorEmails(env).has(user.email);

export type Operator = OperatorActor;

/**
 * The operator behind a request, or a 404 for everyone else (API keys, members, view-as sessions):
 * the admin area does not admit that it exists.
 */
export async function requireOperator(db: Db, env: Env, actor: Actor | null): Promise<Operator> {
  if (actor?.type !== 'user' || actor.viewAsBy) throw notFound();
  const user = await db.query.users.findFirst({ where: eq(users.id, actor.id) });
  if (!user || !isOperatorEmail(env, user)) throw notFound();
  if (!(await hasTwoFactor(db, user.id))) {
    throw new ApiError(403, 'two_factor_required', 'Operators must turn on two-factor sign-in first.');
  }
  return { id: user.id, email: user.email, sessionId: actor.sessionId };
}

export function recordOperatorAction(
  db: Db,
  op: Operator,
  entry: {
    action: string;
    targetType: string;
    targetId: string;
    orgId: string | null;
    details?: Record<string, unknown>;
  },
  ip: string | null,
) {
  return db.insert(operatorAudit).values({
    id: newId('operatorAudit'),
    operatorId: op.id,
    operatorEmail: op.email,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    orgId: entry.orgId,
    details: entry.details ?? null,
    ip,
    createdAt: Date.now(),
  });
}

export type OrgRow = typeof orgs.$inferSelect;

/** Every org, newest first, with how many members, apps and live streams it has. */
export async function listAllOrgs(db: Db, q: { limit: number; cursor?: string; suspended?: boolean }) {
  const page = keyset(orgs.createdAt, orgs.id, q.cursor);
  const filter =
    q.suspended === undefined ? undefined : q.suspended ? isNotNull(orgs.suspendedAt) : isNull(orgs.suspendedAt);
  const rows = await db
    .select()
    .from(orgs)
    .where(and(page.where, filter))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
  const ids = rows.map((r) => r.id);
  const [memberCounts, appCounts, liveCounts] = ids.length
    ? await Promise.all([
        db
          .select({ orgId: members.orgId, n: count() })
          .from(members)
          .where(inArray(members.orgId, ids))
          .groupBy(members.orgId),
        db.select({ orgId: apps.orgId, n: count() }).from(apps).where(inArray(apps.orgId, ids)).groupBy(apps.orgId),
        db
          .select({ orgId: apps.orgId, n: count() })
          .from(streams)
          .innerJoin(apps, eq(apps.id, streams.appId))
          .where(and(inArray(apps.orgId, ids), inArray(streams.liveStatus, ['active', 'reconnecting'])))
          .groupBy(apps.orgId),
      ])
    : [[], [], []];
  const of = (list: { orgId: string; n: number }[], id: string) => list.find((x) => x.orgId === id)?.n ?? 0;
  return pageOf(rows, q.limit, (o) => ({
    org: o,
    members: of(memberCounts, o.id),
    apps: of(appCounts, o.id),
    liveStreams: of(liveCounts, o.id),
  }));
}

export async function findOrg(db: Db, orgId: string): Promise<OrgRow> {
  const org = await db.query.orgs.findFirst({ where: eq(orgs.id, orgId) });
  if (!org) throw notFound('organization');
  return org;
}

export async function setOrgSuspended(db: Db, orgId: string, reason: string | null): Promise<OrgRow> {
  const [org] = await db
    .update(orgs)
    .set(
      reason === null
        ? { suspendedAt: null, suspendedReason: null }
        : { suspendedAt: Date.now(), suspendedReason: reason },
    )
    .where(eq(orgs.id, orgId))
    .returning();
  if (!org) throw notFound('organization');
  return org;
}

/** Every user, newest first (support looks people up by email prefix). */
export async function listAllUsers(db: Db, q: { limit: number; cursor?: string; email?: string }) {
  const page = keyset(users.createdAt, users.id, q.cursor);
  const rows = await db
    .select()
    .from(users)
    .where(and(page.where, q.email ? sql`${users.email} LIKE ${`${q.email.replace(/[%_]/g, '')}%`}` : undefined))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (u) => u);
}

/** Streams live now on the whole platform, with their app and org. */
export function liveStreams(db: Db, limit: number) {
  return db
    .select({ stream: streams, appName: apps.name, orgId: orgs.id, orgName: orgs.name })
    .from(streams)
    .innerJoin(apps, eq(apps.id, streams.appId))
    .innerJoin(orgs, eq(orgs.id, apps.orgId))
    .where(inArray(streams.liveStatus, ['active', 'reconnecting']))
    .orderBy(desc(streams.updatedAt))
    .limit(limit);
}

export async function findStreamWithOrg(db: Db, streamId: string) {
  const row = await db
    .select({ stream: streams, orgId: apps.orgId })
    .from(streams)
    .innerJoin(apps, eq(apps.id, streams.appId))
    .where(eq(streams.id, streamId))
    .get();
  if (!row) throw notFound('stream');
  return row;
}

export async function operatorAuditPage(db: Db, q: { limit: number; cursor?: string; orgId?: string }) {
  const page = keyset(operatorAudit.createdAt, operatorAudit.id, q.cursor);
  const rows = await db
    .select()
    .from(operatorAudit)
    .where(and(page.where, q.orgId ? eq(operatorAudit.orgId, q.orgId) : undefined))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
  return pageOf(rows, q.limit, (r) => r);
}

/** View-as sessions are short: support looks, then leaves. */
export const VIEW_AS_TTL_MS = 30 * 60_000;

/** A read-only session of `target` that remembers the operator's own session, to return to it. */
export async function startViewAs(db: Db, env: Env, op: Operator, target: UserRow) {
  const id = newId('session');
  const t = Date.now();
  const expiresAt = t + VIEW_AS_TTL_MS;
  await db.insert(sessions).values({
    id,
    userId: target.id,
    createdAt: t,
    expiresAt,
    viewAsBy: op.id,
    operatorSessionId: op.sessionId,
  });
  return { token: await signSession(env.SESSION_SECRET, target.id, id, expiresAt), expiresAt };
}

/** Ends a view-as session and, if the operator's own session is still good, hands back its token. */
export async function endViewAs(db: Db, env: Env, sessionId: string) {
  const [ended] = await db
    .update(sessions)
    .set({ revokedAt: Date.now() })
    .where(and(eq(sessions.id, sessionId), isNotNull(sessions.viewAsBy)))
    .returning();
  if (!ended?.operatorSessionId || !ended.viewAsBy) return null;
  const own = await db.query.sessions.findFirst({
    where: and(eq(sessions.id, ended.operatorSessionId), isNull(sessions.revokedAt)),
  });
  if (!own || own.expiresAt < Date.now()) return null;
  return signSession(env.SESSION_SECRET, own.userId, own.id, own.expiresAt);
}
