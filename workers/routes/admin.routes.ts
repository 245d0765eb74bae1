import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { users } from '../../core/db/schema/index';
import { iso } from '../../core/time';
import type { AppEnv } from '../env';
import { notFound } from '../lib/errors';
import { PageQuery } from '../lib/pagination';
import { commonErrors, createRouter, idParam, json, jsonBody, sessionSecurity } from '../lib/router';
import { SESSION_COOKIE } from '../lib/session';
import { clientIp } from '../middleware/audit';
import { orgPlansAndUsage } from '../services/admin-platform.service';
import {
  findOrg,
  findStreamWithOrg,
  listAllOrgs,
  listAllUsers,
  liveStreams,
  type Operator,
  operatorAuditPage,
  recordOperatorAction,
  requireOperator,
  setOrgSuspended,
  startViewAs,
  VIEW_AS_TTL_MS,
} from '../services/operators.service';
import { disableStream } from '../services/streams.service';
import {
  AdminLiveStream,
  AdminOrg,
  AdminUser,
  OperatorAuditEntry,
  OptionalReason,
  Reason,
  renderAdminOrg,
  renderAdminUser,
  renderLiveStream,
  renderOperatorAudit,
} from './admin.schema';

/**
 * The platform operator's admin area (mounted at /v1/admin behind `operatorOnly`): every org and
 * user, live streams with a kill switch, suspension, read-only "view as", and the operator audit
 * log in which every one of these actions is written.
 */
const tags = ['Admin'];
const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });
const errors = { 400: commonErrors[400], 403: commonErrors[403], 404: commonErrors[404] };

/** Everyone but an operator (signed in with two-factor) gets 404 on every admin path. */
export const operatorOnly = createMiddleware<AppEnv>(async (c, next) => {
  const op = await requireOperator(c.get('db'), c.env, c.get('actor'));
  c.set('operator', op);
  await next();
});

const operator = (c: Context<AppEnv>): Operator => c.get('operator');
const planUsageOf = async (c: Context<AppEnv>, orgId: string) =>
  (await orgPlansAndUsage(c.get('db'), c.env, [orgId])).get(orgId)!;

const listOrgs = createRoute({
  method: 'get',
  path: '/orgs',
  operationId: 'listAdminOrgs',
  tags,
  security: sessionSecurity,
  summary: 'Every organization, with its plan, usage this period, members, apps, live streams and suspension',
  request: { query: PageQuery.extend({ suspended: z.enum(['true', 'false']).optional() }) },
  responses: { 200: json(pageOf(AdminOrg)), ...errors },
});
const suspend = createRoute({
  method: 'post',
  path: '/orgs/{org_id}/suspend',
  operationId: 'suspendOrg',
  tags,
  security: sessionSecurity,
  summary:
    'Suspend an org: its API answers 403 org_suspended, its publishers are dropped, its watch pages show a notice',
  request: { params: idParam('org_id', 'org_123'), ...jsonBody(Reason) },
  responses: { 200: json(AdminOrg), ...errors },
});
const unsuspend = createRoute({
  method: 'post',
  path: '/orgs/{org_id}/unsuspend',
  operationId: 'unsuspendOrg',
  tags,
  security: sessionSecurity,
  summary: 'Lift a suspension',
  request: { params: idParam('org_id', 'org_123') },
  responses: { 200: json(AdminOrg), ...errors },
});
const listUsers = createRoute({
  method: 'get',
  path: '/users',
  operationId: 'listAdminUsers',
  tags,
  security: sessionSecurity,
  summary: 'Every user (filter by the start of the email)',
  request: { query: PageQuery.extend({ email: z.string().trim().max(254).optional() }) },
  responses: { 200: json(pageOf(AdminUser)), ...errors },
});
const listLive = createRoute({
  method: 'get',
  path: '/streams/live',
  operationId: 'listAdminLiveStreams',
  tags,
  security: sessionSecurity,
  summary: 'Streams live now on the whole platform',
  responses: { 200: json(z.object({ data: z.array(AdminLiveStream) })), ...errors },
});
const kill = createRoute({
  method: 'post',
  path: '/streams/{stream_id}/kill',
  operationId: 'killStream',
  tags,
  security: sessionSecurity,
  summary: 'Kill switch: disable a stream and drop its publisher (its owner can enable it again)',
  request: { params: idParam('stream_id', 'str_123'), ...jsonBody(OptionalReason) },
  responses: { 200: json(z.object({ id: z.string(), disabled: z.literal(true) })), ...errors },
});
const viewAs = createRoute({
  method: 'post',
  path: '/users/{user_id}/view-as',
  operationId: 'viewAsUser',
  tags,
  security: sessionSecurity,
  summary: 'Open a read-only session as a user, for support (30 minutes; end it to return to yours)',
  request: { params: idParam('user_id', 'usr_123'), ...jsonBody(Reason) },
  responses: {
    200: json(z.object({ token: z.string(), user: AdminUser, expires_at: z.string() })),
    ...errors,
  },
});
const auditLog = createRoute({
  method: 'get',
  path: '/audit-log',
  operationId: 'listOperatorAudit',
  tags,
  security: sessionSecurity,
  summary: 'What operators did, newest first',
  request: { query: PageQuery.extend({ org_id: z.string().max(64).optional() }) },
  responses: { 200: json(pageOf(OperatorAuditEntry)), ...errors },
});

export const adminRoutes = createRouter()
  .openapi(listOrgs, async (c) => {
    const q = c.req.valid('query');
    const db = c.get('db');
    const page = await listAllOrgs(db, {
      ...q,
      suspended: q.suspended === undefined ? undefined : q.suspended === 'true',
    });
    const plans = await orgPlansAndUsage(
      db,
      c.env,
      page.data.map((r) => r.org.id),
    );
    return c.json(
      { data: page.data.map((r) => renderAdminOrg(r.org, plans.get(r.org.id)!, r)), next_cursor: page.next_cursor },
      200,
    );
  })
  .openapi(suspend, async (c) => {
    const db = c.get('db');
    const { org_id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    await findOrg(db, org_id);
    const org = await setOrgSuspended(db, org_id, reason);
    await recordOperatorAction(
      db,
      operator(c),
      { action: 'org.suspend', targetType: 'org', targetId: org_id, orgId: org_id, details: { reason } },
      clientIp(c),
    );
    return c.json(renderAdminOrg(org, await planUsageOf(c, org_id)), 200);
  })
  .openapi(unsuspend, async (c) => {
    const db = c.get('db');
    const { org_id } = c.req.valid('param');
    await findOrg(db, org_id);
    const org = await setOrgSuspended(db, org_id, null);
    await recordOperatorAction(
      db,
      operator(c),
      { action: 'org.unsuspend', targetType: 'org', targetId: org_id, orgId: org_id },
      clientIp(c),
    );
    return c.json(renderAdminOrg(org, await planUsageOf(c, org_id)), 200);
  })
  .openapi(listUsers, async (c) => {
    const page = await listAllUsers(c.get('db'), c.req.valid('query'));
    return c.json({ data: page.data.map(renderAdminUser), next_cursor: page.next_cursor }, 200);
  })
  .openapi(listLive, async (c) => {
    const rows = await liveStreams(c.get('db'), 200);
    return c.json({ data: rows.map(renderLiveStream) }, 200);
  })
  .openapi(kill, async (c) => {
    const db = c.get('db');
    const { stream_id } = c.req.valid('param');
    const { stream, orgId } = await findStreamWithOrg(db, stream_id);
    await disableStream(db, c.env, stream);
    await recordOperatorAction(
      db,
      operator(c),
      {
        action: 'stream.kill',
        targetType: 'stream',
        targetId: stream_id,
        orgId,
        details: { reason: c.req.valid('json').reason ?? null, was: stream.liveStatus },
      },
      clientIp(c),
    );
    return c.json({ id: stream_id, disabled: true as const }, 200);
  })
  .openapi(viewAs, async (c) => {
    const db = c.get('db');
    const { user_id } = c.req.valid('param');
    const target = await db.query.users.findFirst({ where: eq(users.id, user_id) });
    if (!target) throw notFound('user');
    const op = operator(c);
    const { token, expiresAt } = await startViewAs(db, c.env, op, target);
    await recordOperatorAction(
      db,
      op,
      {
        action: 'user.view_as',
        targetType: 'user',
        targetId: user_id,
        orgId: null,
        details: { reason: c.req.valid('json').reason },
      },
      clientIp(c),
    );
    // The browser now carries the view-as session; /v1/auth/view-as/end brings the operator's back.
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: VIEW_AS_TTL_MS / 1000,
    });
    return c.json({ token, user: renderAdminUser(target), expires_at: iso(expiresAt)! }, 200);
  })
  .openapi(auditLog, async (c) => {
    const page = await operatorAuditPage(c.get('db'), c.req.valid('query'));
    return c.json({ data: page.data.map(renderOperatorAudit), next_cursor: page.next_cursor }, 200);
  });
