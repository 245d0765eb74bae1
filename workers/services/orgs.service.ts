import { and, eq, isNull, ne, or, sql } from 'drizzle-orm';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { invitations, members, orgs, users } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitOrgEvent } from '../../core/events';
import { isIdOf, newId, randomToken } from '../../core/ids';
import type { Role } from '../env';
import { ApiError, conflict, forbidden, notFound } from '../lib/errors';
import { type InvitationRow, type OrgRow, renderInvitation, renderMember } from '../routes/orgs.schema';
import { assertSeatAllowed } from './plan-limits.service';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

const lastOwner = () => conflict('An organization needs at least one owner.');

/** The caller's role in an org, or null for a non-member (who then gets 404, so org ids do not leak). */
export async function memberRole(db: Db, orgId: string, userId: string): Promise<Role | null> {
  const m = await db.query.members.findFirst({ where: and(eq(members.orgId, orgId), eq(members.userId, userId)) });
  return m?.role ?? null;
}

export async function findOrg(db: Db, orgId: string): Promise<OrgRow> {
  const o = await db.query.orgs.findFirst({ where: eq(orgs.id, orgId) });
  if (!o) throw notFound('organization');
  return o;
}

export function listOrgsOfUser(db: Db, userId: string) {
  return db
    .select({ o: orgs, role: members.role })
    .from(members)
    .innerJoin(orgs, eq(orgs.id, members.orgId))
    .where(eq(members.userId, userId));
}

/** Unverified accounts keep the org they signed up with but cannot join or found others. */
export const emailUnverified = (what: string) =>
  new ApiError(
    403,
    'email_unverified',
    `Verify your email address before you ${what} (POST /v1/auth/verify-email/send mails the link).`,
  );

export async function createOrg(db: Db, ownerId: string, name: string): Promise<OrgRow> {
  const owner = await db.query.users.findFirst({ where: eq(users.id, ownerId) });
  if (!owner?.emailVerifiedAt && (await db.query.members.findFirst({ where: eq(members.userId, ownerId) }))) {
    throw emailUnverified('create another organization');
  }
  const t = Date.now();
  const org = {
    id: newId('org'),
    name,
    createdAt: t,
    requireTwoFactor: false,
    suspendedAt: null,
    suspendedReason: null,
  };
  await db.batch([
    db.insert(orgs).values(org),
    db.insert(members).values({ id: newId('member'), orgId: org.id, userId: ownerId, role: 'owner', createdAt: t }),
  ]);
  return org;
}

export async function renameOrg(db: Db, orgId: string, name: string): Promise<OrgRow> {
  const [o] = await db.update(orgs).set({ name }).where(eq(orgs.id, orgId)).returning();
  if (!o) throw notFound('organization');
  return o;
}

const membersWithUsers = (db: Db) =>
  db.select({ m: members, u: users }).from(members).innerJoin(users, eq(users.id, members.userId));

export function listMembers(db: Db, orgId: string) {
  return membersWithUsers(db).where(eq(members.orgId, orgId));
}

export async function findMember(db: Db, orgId: string, memberId: string) {
  if (!isIdOf('member', memberId)) throw notFound('member');
  const [row] = await membersWithUsers(db).where(and(eq(members.id, memberId), eq(members.orgId, orgId)));
  if (!row) throw notFound('member');
  return row;
}

/**
 * SQL that holds for a member row whose role may change or go: it is not an owner, or its org has
 * another owner. Part of the same statement as the change, so two owners demoting each other at
 * once cannot both pass a check made before either write.
 */
const keepsAnOwner = (orgId: string) =>
  or(
    ne(members.role, 'owner'),
    sql`(SELECT count(*) FROM members AS o WHERE o.org_id = ${orgId} AND o.role = 'owner' AND o.id <> ${members.id}) > 0`,
  );

/** Changes a member's role; demoting the last owner is a 409 and changes nothing. */
export async function setMemberRole(db: Db, orgId: string, memberId: string, role: Role) {
  const [m] = await db
    .update(members)
    .set({ role })
    .where(and(eq(members.id, memberId), eq(members.orgId, orgId), role === 'owner' ? undefined : keepsAnOwner(orgId)))
    .returning();
  if (!m) throw lastOwner();
  return m;
}

export async function removeMember(db: Db, env: Env, orgId: string, memberId: string) {
  const row = await findMember(db, orgId, memberId);
  const gone = await db
    .delete(members)
    .where(and(eq(members.id, memberId), keepsAnOwner(orgId)))
    .returning();
  if (!gone.length) throw lastOwner();
  await emitOrgEvent(env, orgId, {
    type: 'member.removed',
    objectType: 'member',
    objectId: row.m.id,
    data: { ...renderMember(row), org_id: orgId },
  });
}

/** A new invitation and its token (the token exists only in this return value). */
export async function createInvitation(
  db: Db,
  env: Env,
  orgId: string,
  invitedBy: string,
  invitee: { email: string; role: Role },
) {
  await assertSeatAllowed(db, env, orgId);
  const token = `inv_${randomToken(32)}`;
  const t = Date.now();
  const row: InvitationRow = {
    id: newId('invitation'),
    orgId,
    email: invitee.email,
    role: invitee.role,
    tokenHash: await sha256Hex(token),
    invitedBy,
    createdAt: t,
    expiresAt: t + INVITATION_TTL_MS,
    acceptedAt: null,
    revokedAt: null,
  };
  await db.insert(invitations).values(row);
  // Never the token: whoever holds it can join the org.
  await emitOrgEvent(env, orgId, {
    type: 'member.invited',
    objectType: 'invitation',
    objectId: row.id,
    data: { ...renderInvitation(row), org_id: orgId },
  });
  return { row, token };
}

export function listInvitations(db: Db, orgId: string) {
  return db.select().from(invitations).where(eq(invitations.orgId, orgId));
}

export async function revokeInvitation(db: Db, orgId: string, invitationId: string) {
  const res = await db
    .update(invitations)
    .set({ revokedAt: Date.now() })
    .where(and(eq(invitations.id, invitationId), eq(invitations.orgId, orgId), isNull(invitations.acceptedAt)))
    .returning();
  if (!res.length) throw notFound('invitation');
}

/**
 * Joins the invitation's org as the signed-in user (or changes their role there). An invitation
 * sent before the user became an owner must not take the org's last owner away: that is a 409.
 */
export async function acceptInvitation(db: Db, userId: string, token: string) {
  const inv = await db.query.invitations.findFirst({ where: eq(invitations.tokenHash, await sha256Hex(token)) });
  if (!inv || inv.revokedAt) throw notFound('invitation');
  if (inv.acceptedAt) throw conflict('This invitation was already accepted.');
  if (inv.expiresAt < Date.now()) throw new ApiError(410, 'expired', 'This invitation has expired; ask for a new one.');
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user || user.email !== inv.email) throw forbidden('This invitation was sent to another email address.');
  // An unverified address proves nothing: whoever registered it first could take the invitation.
  if (!user.emailVerifiedAt) throw emailUnverified('accept an invitation');
  const t = Date.now();
  const existing = await db.query.members.findFirst({
    where: and(eq(members.orgId, inv.orgId), eq(members.userId, user.id)),
  });
  if (existing) await setMemberRole(db, inv.orgId, existing.id, inv.role);
  const accept = db
    .update(invitations)
    .set({ acceptedAt: t })
    .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt)));
  if (existing) await accept;
  else
    await db.batch([
      db
        .insert(members)
        .values({ id: newId('member'), orgId: inv.orgId, userId: user.id, role: inv.role, createdAt: t }),
      accept,
    ]);
  return { inv, org: await findOrg(db, inv.orgId) };
}
