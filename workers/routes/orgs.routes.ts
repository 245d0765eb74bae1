import { createRoute, z } from '@hono/zod-openapi';
import { commonErrors, createRouter, idParam, json, jsonBody, sessionSecurity } from '../lib/router';
import { consoleUser, orgScope, requireUser } from '../middleware/scope';
import { invitationMail } from '../services/email-templates';
import { sendLater } from '../services/email-transport';
import { deleteOrgWithMedia, purgeMedia } from '../services/media-purge.service';
import {
  acceptInvitation,
  createInvitation,
  createOrg,
  findMember,
  findOrg,
  listInvitations,
  listMembers,
  listOrgsOfUser,
  removeMember,
  renameOrg,
  revokeInvitation,
  setMemberRole,
} from '../services/orgs.service';
import { orgAuditRoutes } from './audit-log.routes';
import {
  CreateInvitationBody,
  Invitation,
  Member,
  Org,
  OrgName,
  RoleEnum,
  renderInvitation,
  renderMember,
  renderOrg,
} from './orgs.schema';

const OrgParam = idParam('org_id', 'org_123');
const tags = ['Organizations'];

const listOrgs = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listOrgs',
  security: sessionSecurity,
  summary: 'Organizations you belong to',
  middleware: [requireUser] as const,
  responses: { 200: json(z.object({ data: z.array(Org) })), 401: commonErrors[401] },
});
const createOrg_ = createRoute({
  method: 'post',
  path: '/',
  tags,
  operationId: 'createOrg',
  security: sessionSecurity,
  summary: 'Create an organization (you become its owner)',
  middleware: [requireUser] as const,
  request: jsonBody(z.object({ name: OrgName }).strict()),
  responses: { 201: json(Org), ...commonErrors },
});
const getOrg = createRoute({
  method: 'get',
  path: '/{org_id}',
  tags,
  operationId: 'getOrg',
  security: sessionSecurity,
  summary: 'Get an organization',
  middleware: [orgScope()] as const,
  request: { params: OrgParam },
  responses: { 200: json(Org), ...commonErrors },
});
const updateOrg = createRoute({
  method: 'patch',
  path: '/{org_id}',
  tags,
  operationId: 'updateOrg',
  security: sessionSecurity,
  summary: 'Rename an organization (owners)',
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam, ...jsonBody(z.object({ name: OrgName }).strict()) },
  responses: { 200: json(Org), ...commonErrors },
});
const deleteOrg_ = createRoute({
  method: 'delete',
  path: '/{org_id}',
  tags,
  operationId: 'deleteOrg',
  security: sessionSecurity,
  summary: 'Delete an organization with its apps and their R2 media (owners; 409 while a stream is live)',
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const listMembers_ = createRoute({
  method: 'get',
  path: '/{org_id}/members',
  tags,
  operationId: 'listOrgMembers',
  security: sessionSecurity,
  summary: 'Members and their roles',
  middleware: [orgScope()] as const,
  request: { params: OrgParam },
  responses: { 200: json(z.object({ data: z.array(Member) })), ...commonErrors },
});
const updateMember = createRoute({
  method: 'patch',
  path: '/{org_id}/members/{member_id}',
  tags,
  operationId: 'updateOrgMember',
  security: sessionSecurity,
  summary: "Change a member's role (owners)",
  middleware: [orgScope('owner')] as const,
  request: {
    params: OrgParam.merge(idParam('member_id', 'mem_123')),
    ...jsonBody(z.object({ role: RoleEnum }).strict()),
  },
  responses: { 200: json(Member), ...commonErrors },
});
const removeMember_ = createRoute({
  method: 'delete',
  path: '/{org_id}/members/{member_id}',
  tags,
  operationId: 'removeOrgMember',
  security: sessionSecurity,
  summary: 'Remove a member (owners)',
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam.merge(idParam('member_id', 'mem_123')) },
  responses: { 204: { description: 'Removed' }, ...commonErrors },
});
const createInvitation_ = createRoute({
  method: 'post',
  path: '/{org_id}/invitations',
  tags,
  operationId: 'createInvitation',
  security: sessionSecurity,
  summary: 'Invite someone (owners); returns the accept link',
  middleware: [orgScope('owner')] as const,
  request: {
    params: OrgParam,
    ...jsonBody(CreateInvitationBody),
  },
  responses: { 201: json(Invitation.extend({ token: z.string(), accept_url: z.string() })), ...commonErrors },
});
const listInvitations_ = createRoute({
  method: 'get',
  path: '/{org_id}/invitations',
  tags,
  operationId: 'listInvitations',
  security: sessionSecurity,
  summary: 'Invitations of an organization',
  middleware: [orgScope()] as const,
  request: { params: OrgParam },
  responses: { 200: json(z.object({ data: z.array(Invitation) })), ...commonErrors },
});
const revokeInvitation_ = createRoute({
  method: 'delete',
  path: '/{org_id}/invitations/{invitation_id}',
  tags,
  operationId: 'revokeInvitation',
  security: sessionSecurity,
  summary: 'Revoke an invitation (owners)',
  middleware: [orgScope('owner')] as const,
  request: { params: OrgParam.merge(idParam('invitation_id', 'inv_123')) },
  responses: { 204: { description: 'Revoked' }, ...commonErrors },
});

export const orgRoutes = createRouter()
  .openapi(listOrgs, async (c) => {
    const rows = await listOrgsOfUser(c.get('db'), consoleUser(c.get('actor')).id);
    return c.json({ data: rows.map(({ o, role }) => renderOrg(o, role)) }, 200);
  })
  .openapi(createOrg_, async (c) => {
    const org = await createOrg(c.get('db'), consoleUser(c.get('actor')).id, c.req.valid('json').name);
    c.set('scope', { orgId: org.id, appId: null, role: 'owner' });
    c.set('audit', { action: 'org.create', resourceType: 'org', resourceId: org.id });
    return c.json(renderOrg(org, 'owner'), 201);
  })
  .openapi(getOrg, async (c) => {
    const { orgId, role } = c.get('scope');
    return c.json(renderOrg(await findOrg(c.get('db'), orgId), role), 200);
  })
  .openapi(updateOrg, async (c) => {
    const { orgId, role } = c.get('scope');
    c.set('audit', { action: 'org.update', resourceType: 'org', resourceId: orgId });
    return c.json(renderOrg(await renameOrg(c.get('db'), orgId, c.req.valid('json').name), role), 200);
  })
  .openapi(deleteOrg_, async (c) => {
    const db = c.get('db');
    const { orgId } = c.get('scope');
    c.set('audit', { action: 'org.delete', resourceType: 'org', resourceId: orgId });
    await deleteOrgWithMedia(db, orgId);
    c.executionCtx.waitUntil(purgeMedia(db, c.env).catch((err: unknown) => console.error('media purge failed', err)));
    return c.body(null, 204);
  })
  .openapi(listMembers_, async (c) => {
    const rows = await listMembers(c.get('db'), c.get('scope').orgId);
    return c.json({ data: rows.map(renderMember) }, 200);
  })
  .openapi(updateMember, async (c) => {
    const db = c.get('db');
    const { orgId } = c.get('scope');
    const { member_id } = c.req.valid('param');
    const { role } = c.req.valid('json');
    c.set('audit', { action: 'member.update', resourceType: 'member', resourceId: member_id, details: { role } });
    const row = await findMember(db, orgId, member_id);
    const m = await setMemberRole(db, orgId, member_id, role);
    return c.json(renderMember({ ...row, m }), 200);
  })
  .openapi(removeMember_, async (c) => {
    const { member_id } = c.req.valid('param');
    c.set('audit', { action: 'member.remove', resourceType: 'member', resourceId: member_id });
    await removeMember(c.get('db'), c.env, c.get('scope').orgId, member_id);
    return c.body(null, 204);
  })
  .openapi(createInvitation_, async (c) => {
    const { orgId } = c.get('scope');
    const invitee = c.req.valid('json');
    const { row, token } = await createInvitation(c.get('db'), c.env, orgId, consoleUser(c.get('actor')).id, invitee);
    c.set('audit', {
      action: 'member.invite',
      resourceType: 'invitation',
      resourceId: row.id,
      details: { email: invitee.email, role: invitee.role },
    });
    // Mailed to the invitee, and returned so the inviter can also pass it on. The console serves /accept-invite.
    const base = c.env.CONSOLE_URL ?? new URL(c.req.url).origin;
    const acceptUrl = `${base}/accept-invite?token=${token}`;
    const org = await findOrg(c.get('db'), orgId);
    sendLater(c.executionCtx, c.env, invitationMail(invitee.email, org.name, invitee.role, acceptUrl));
    return c.json({ ...renderInvitation(row), token, accept_url: acceptUrl }, 201);
  })
  .openapi(listInvitations_, async (c) => {
    const rows = await listInvitations(c.get('db'), c.get('scope').orgId);
    return c.json({ data: rows.map(renderInvitation) }, 200);
  })
  .openapi(revokeInvitation_, async (c) => {
    const { invitation_id } = c.req.valid('param');
    c.set('audit', { action: 'invitation.revoke', resourceType: 'invitation', resourceId: invitation_id });
    await revokeInvitation(c.get('db'), c.get('scope').orgId, invitation_id);
    return c.body(null, 204);
  })
  .route('/', orgAuditRoutes);

const accept = createRoute({
  method: 'post',
  path: '/accept',
  tags,
  operationId: 'acceptInvitation',
  security: sessionSecurity,
  summary: 'Accept an invitation as the signed-in user',
  middleware: [requireUser] as const,
  request: jsonBody(z.object({ token: z.string().min(1).max(200) }).strict()),
  responses: { 200: json(Org), ...commonErrors, 410: commonErrors[404] },
});

export const invitationRoutes = createRouter().openapi(accept, async (c) => {
  const { inv, org } = await acceptInvitation(c.get('db'), consoleUser(c.get('actor')).id, c.req.valid('json').token);
  c.set('scope', { orgId: inv.orgId, appId: null, role: inv.role });
  c.set('audit', { action: 'invitation.accept', resourceType: 'invitation', resourceId: inv.id });
  return c.json(renderOrg(org, inv.role), 200);
});
