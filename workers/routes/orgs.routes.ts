import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { invitations, members, orgs, users } from '../../core/db/schema/index';
import { emitOrgEvent } from '../../core/events';
import { isIdOf, newId, randomToken } from '../../core/ids';
import { iso } from '../../core/time';
import { ApiError, conflict, forbidden, notFound } from '../lib/errors';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';
import { orgScope, requireUser } from '../middleware/scope';

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

const RoleEnum = z.enum(['owner', 'admin', 'developer', 'viewer']);
const Org = z.object({ id: z.string(), name: z.string(), role: RoleEnum, created_at: z.string() }).openapi('Org');
const Member = z
  .object({
    id: z.string(),
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role: RoleEnum,
    created_at: z.string(),
  })
  .openapi('Member');
const Invitation = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleEnum,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    created_at: z.string(),
    expires_at: z.string(),
  })
  .openapi('Invitation');

const OrgParam = idParam('org_id', 'org_123');
const tags = ['Organizations'];

const renderInvitation = (i: typeof invitations.$inferSelect) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  status: i.acceptedAt
    ? ('accepted' as const)
    : i.revokedAt
      ? ('revoked' as const)
      : i.expiresAt < Date.now()
        ? ('expired' as const)
        : ('pending' as const),
  created_at: iso(i.createdAt)!,
  expires_at: iso(i.expiresAt)!,
});

const listOrgs = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Organizations you belong to',
  middleware: [requireUser] as const,
  responses: { 200: json(z.object({ data: z.array(Org) })), 401: commonErrors[401] },
});
const createOrg = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create an organization (you become its owner)',
  middleware: [requireUser] as const,
  request: jsonBody(z.object({ name: z.string().trim().min(1).max(100) }).strict()),
  responses: { 201: json(Org), ...commonErrors },
});
const getOrg = createRoute({
  method: 'get',
  path: '/{org_id}',
  tags,
  summary: 'Get an organization',
  middleware: [orgScope()] as const,
  request: { params: OrgParam },
  responses: { 200: json(Org), ...commonErrors },
});
const updateOrg = createRoute({
  method: 'patch',
  path: '/{org_id}',
  tags,
  summary: 'Rename an organization (owners)',
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam, ...jsonBody(z.object({ name: z.string().trim().min(1).max(100) }).strict()) },
  responses: { 200: json(Org), ...commonErrors },
});
const listMembers = createRoute({
  method: 'get',
  path: '/{org_id}/members',
  tags,
  summary: 'Members and their roles',
  middleware: [orgScope()] as const,
  request: { params: OrgParam },
  responses: { 200: json(z.object({ data: z.array(Member) })), ...commonErrors },
});
const updateMember = createRoute({
  method: 'patch',
  path: '/{org_id}/members/{member_id}',
  tags,
  summary: "Change a member's role (owners)",
  middleware: [orgScope('owner')] as const,
  request: {
    params: OrgParam.merge(idParam('member_id', 'mem_123')),
    ...jsonBody(z.object({ role: RoleEnum }).strict()),
  },
  responses: { 200: json(Member), ...commonErrors },
});
const removeMember = createRoute({
  method: 'delete',
  path: '/{org_id}/members/{member_id}',
  tags,
  summary: 'Remove a member (owners)',
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam.merge(idParam('member_id', 'mem_123')) },
  responses: { 204: { description: 'Removed' }, ...commonErrors },
});
const createInvitation = createRoute({
  method: 'post',
  path: '/{org_id}/invitations',
  tags,
  summary: 'Invite someone (owners); returns the accept link',
  middleware: [orgScope('owner')] as const,
  request: {
    params: OrgParam,
    ...jsonBody(z.object({ email: z.string().trim().toLowerCase().email(), role: RoleEnum }).strict()),
  },
  responses: { 201: json(Invitation.extend({ token: z.string(), accept_url: z.string() })), ...commonErrors },
});
const listInvitations = createRoute({
  method: 'get',
  path: '/{org_id}/invitations',
  tags,
  summary: 'Invitations of an organization',
  middleware: [orgScope()] as const,
  request: { params: OrgParam },
  responses: { 200: json(z.object({ data: z.array(Invitation) })), ...commonErrors },
});
const revokeInvitation = createRoute({
  method: 'delete',
  path: '/{org_id}/invitations/{invitation_id}',
  tags,
  summary: 'Revoke an invitation (owners)',
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam.merge(idParam('invitation_id', 'inv_123')) },
  responses: { 204: { description: 'Revoked' }, ...commonErrors },
});

async function memberRow(db: Db, orgId: string, memberId: string) {
  if (!isIdOf('member', memberId)) throw notFound('member');
  const rows = await db
    .select({ m: members, u: users })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.id, memberId), eq(members.orgId, orgId)));
  if (!rows[0]) throw notFound('member');
  return rows[0];
}

const renderMember = ({ m, u }: { m: typeof members.$inferSelect; u: typeof users.$inferSelect }) => ({
  id: m.id,
  user_id: u.id,
  email: u.email,
  name: u.name,
  role: m.role,
  created_at: iso(m.createdAt)!,
});

/** An org must always keep an owner, or nobody could manage it again. */
async function assertNotLastOwner(db: Db, orgId: string, memberRole: string) {
  if (memberRole !== 'owner') return;
  const owners = await db
    .select()
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.role, 'owner')));
  if (owners.length <= 1) throw conflict('An organization needs at least one owner.');
}

export const orgRoutes = createRouter()
  .openapi(listOrgs, async (c) => {
    const rows = await c
      .get('db')
      .select({ o: orgs, role: members.role })
      .from(members)
      .innerJoin(orgs, eq(orgs.id, members.orgId))
      .where(eq(members.userId, c.get('actor')!.id));
    return c.json(
      { data: rows.map(({ o, role }) => ({ id: o.id, name: o.name, role, created_at: iso(o.createdAt)! })) },
      200,
    );
  })
  .openapi(createOrg, async (c) => {
    const db = c.get('db');
    const t = Date.now();
    const org = { id: newId('org'), name: c.req.valid('json').name, createdAt: t };
    await db.batch([
      db.insert(orgs).values(org),
      db
        .insert(members)
        .values({ id: newId('member'), orgId: org.id, userId: c.get('actor')!.id, role: 'owner', createdAt: t }),
    ]);
    c.set('scope', { orgId: org.id, appId: null, role: 'owner' });
    c.set('audit', { action: 'org.create', resourceType: 'org', resourceId: org.id });
    return c.json({ id: org.id, name: org.name, role: 'owner' as const, created_at: iso(t)! }, 201);
  })
  .openapi(getOrg, async (c) => {
    const { orgId, role } = c.get('scope');
    const o = await c.get('db').query.orgs.findFirst({ where: eq(orgs.id, orgId) });
    if (!o) throw notFound('organization');
    return c.json({ id: o.id, name: o.name, role, created_at: iso(o.createdAt)! }, 200);
  })
  .openapi(updateOrg, async (c) => {
    const { orgId, role } = c.get('scope');
    const db = c.get('db');
    await db
      .update(orgs)
      .set({ name: c.req.valid('json').name })
      .where(eq(orgs.id, orgId));
    c.set('audit', { action: 'org.update', resourceType: 'org', resourceId: orgId });
    const o = (await db.query.orgs.findFirst({ where: eq(orgs.id, orgId) }))!;
    return c.json({ id: o.id, name: o.name, role, created_at: iso(o.createdAt)! }, 200);
  })
  .openapi(listMembers, async (c) => {
    const rows = await c
      .get('db')
      .select({ m: members, u: users })
      .from(members)
      .innerJoin(users, eq(users.id, members.userId))
      .where(eq(members.orgId, c.get('scope').orgId));
    return c.json({ data: rows.map(renderMember) }, 200);
  })
  .openapi(updateMember, async (c) => {
    const db = c.get('db');
    const { orgId } = c.get('scope');
    const { member_id } = c.req.valid('param');
    const { role } = c.req.valid('json');
    c.set('audit', { action: 'member.update', resourceType: 'member', resourceId: member_id, details: { role } });
    const row = await memberRow(db, orgId, member_id);
    if (role !== 'owner') await assertNotLastOwner(db, orgId, row.m.role);
    await db.update(members).set({ role }).where(eq(members.id, member_id));
    return c.json(renderMember({ ...row, m: { ...row.m, role } }), 200);
  })
  .openapi(removeMember, async (c) => {
    const db = c.get('db');
    const { orgId } = c.get('scope');
    const { member_id } = c.req.valid('param');
    c.set('audit', { action: 'member.remove', resourceType: 'member', resourceId: member_id });
    const row = await memberRow(db, orgId, member_id);
    await assertNotLastOwner(db, orgId, row.m.role);
    await db.delete(members).where(eq(members.id, member_id));
    await emitOrgEvent(c.env, orgId, {
      type: 'member.removed',
      objectType: 'member',
      objectId: row.m.id,
      data: { ...renderMember(row), org_id: orgId },
    });
    return c.body(null, 204);
  })
  .openapi(createInvitation, async (c) => {
    const db = c.get('db');
    const { orgId } = c.get('scope');
    const { email, role } = c.req.valid('json');
    const token = `inv_${randomToken(32)}`;
    const t = Date.now();
    const row = {
      id: newId('invitation'),
      orgId,
      email,
      role,
      tokenHash: await sha256Hex(token),
      invitedBy: c.get('actor')!.id,
      createdAt: t,
      expiresAt: t + INVITATION_TTL_MS,
      acceptedAt: null,
      revokedAt: null,
    };
    await db.insert(invitations).values(row);
    c.set('audit', {
      action: 'member.invite',
      resourceType: 'invitation',
      resourceId: row.id,
      details: { email, role },
    });
    // Never the token: whoever holds it can join the org.
    await emitOrgEvent(c.env, orgId, {
      type: 'member.invited',
      objectType: 'invitation',
      objectId: row.id,
      data: { ...renderInvitation(row), org_id: orgId },
    });
    // No mail server: the inviter passes the link on. The console serves /accept-invite.
    const base = c.env.CONSOLE_URL ?? new URL(c.req.url).origin;
    return c.json({ ...renderInvitation(row), token, accept_url: `${base}/accept-invite?token=${token}` }, 201);
  })
  .openapi(listInvitations, async (c) => {
    const rows = await c
      .get('db')
      .select()
      .from(invitations)
      .where(eq(invitations.orgId, c.get('scope').orgId));
    return c.json({ data: rows.map(renderInvitation) }, 200);
  })
  .openapi(revokeInvitation, async (c) => {
    const db = c.get('db');
    const { invitation_id } = c.req.valid('param');
    c.set('audit', { action: 'invitation.revoke', resourceType: 'invitation', resourceId: invitation_id });
    const res = await db
      .update(invitations)
      .set({ revokedAt: Date.now() })
      .where(
        and(
          eq(invitations.id, invitation_id),
          eq(invitations.orgId, c.get('scope').orgId),
          isNull(invitations.acceptedAt),
        ),
      )
      .returning();
    if (!res.length) throw notFound('invitation');
    return c.body(null, 204);
  });

const acceptInvitation = createRoute({
  method: 'post',
  path: '/accept',
  tags,
  summary: 'Accept an invitation as the signed-in user',
  middleware: [requireUser] as const,
  request: jsonBody(z.object({ token: z.string().min(1).max(200) }).strict()),
  responses: { 200: json(Org), ...commonErrors, 410: commonErrors[404] },
});

export const invitationRoutes = createRouter().openapi(acceptInvitation, async (c) => {
  const db = c.get('db');
  const actor = c.get('actor')!;
  const inv = await db.query.invitations.findFirst({
    where: eq(invitations.tokenHash, await sha256Hex(c.req.valid('json').token)),
  });
  if (!inv || inv.revokedAt) throw notFound('invitation');
  if (inv.acceptedAt) throw conflict('This invitation was already accepted.');
  if (inv.expiresAt < Date.now()) throw new ApiError(410, 'expired', 'This invitation has expired; ask for a new one.');
  const user = (await db.query.users.findFirst({ where: eq(users.id, actor.id) }))!;
  if (user.email !== inv.email) throw forbidden('This invitation was sent to another email address.');
  const t = Date.now();
  const existing = await db.query.members.findFirst({
    where: and(eq(members.orgId, inv.orgId), eq(members.userId, user.id)),
  });
  await db.batch([
    existing
      ? db.update(members).set({ role: inv.role }).where(eq(members.id, existing.id))
      : db
          .insert(members)
          .values({ id: newId('member'), orgId: inv.orgId, userId: user.id, role: inv.role, createdAt: t }),
    db.update(invitations).set({ acceptedAt: t }).where(eq(invitations.id, inv.id)),
  ]);
  c.set('scope', { orgId: inv.orgId, appId: null, role: inv.role });
  c.set('audit', { action: 'invitation.accept', resourceType: 'invitation', resourceId: inv.id });
  const o = (await db.query.orgs.findFirst({ where: eq(orgs.id, inv.orgId) }))!;
  return c.json({ id: o.id, name: o.name, role: inv.role, created_at: iso(o.createdAt)! }, 200);
});
