import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { apps, members } from '../../core/db/schema/index';
import { isIdOf, newId } from '../../core/ids';
import { iso } from '../../core/time';
import { forbidden, notFound } from '../lib/errors';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';
import { memberRole, requireRole, requireUser, roleAtLeast } from '../middleware/scope';

/** Per-app settings later features read (playback restrictions, ladder ceiling, ...). */
export const AppSettings = z
  .object({
    max_quality: z.enum(['1080p', '720p', '480p', '360p', '240p']).optional(),
    // Host names, `*.example.com` for any subdomain, or `*` (workers/lib/referrer.ts).
    allowed_referrers: z
      .array(
        z
          .string()
          .min(1)
          .max(253)
          .regex(/^(\*|(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)$/, 'expected a host name, *.domain or *'),
      )
      .max(100)
      .optional(),
    allow_no_referrer: z.boolean().optional(),
  })
  .strict()
  .openapi('AppSettings');

const App = z
  .object({
    id: z.string(),
    org_id: z.string(),
    name: z.string(),
    description: z.string(),
    settings: AppSettings,
    status: z.enum(['active', 'archived']),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('App');

export const renderApp = (a: typeof apps.$inferSelect) => ({
  id: a.id,
  org_id: a.orgId,
  name: a.name,
  description: a.description,
  settings: a.settings as z.infer<typeof AppSettings>,
  status: a.archivedAt ? ('archived' as const) : ('active' as const),
  created_at: iso(a.createdAt)!,
  updated_at: iso(a.updatedAt)!,
});

const tags = ['Apps'];
const AppParam = idParam('app_id', 'app_123');
const Name = z.string().trim().min(1).max(100);

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Apps in your organizations',
  middleware: [requireUser] as const,
  request: {
    query: PageQuery.extend({
      org_id: z.string().max(64).optional(),
      include_archived: z.enum(['true', 'false']).optional(),
    }),
  },
  responses: { 200: json(pageSchema(App)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create an app (developers and above)',
  middleware: [requireUser] as const,
  request: jsonBody(
    z
      .object({
        org_id: z.string().max(64),
        name: Name,
        description: z.string().max(500).optional(),
        settings: AppSettings.optional(),
      })
      .strict(),
  ),
  responses: { 201: json(App), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{app_id}',
  tags,
  summary: 'Get an app',
  request: { params: AppParam },
  responses: { 200: json(App), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{app_id}',
  tags,
  summary: 'Update an app',
  request: {
    params: AppParam,
    ...jsonBody(
      z
        .object({
          name: Name.optional(),
          description: z.string().max(500).optional(),
          settings: AppSettings.optional(),
        })
        .strict(),
    ),
  },
  responses: { 200: json(App), ...commonErrors },
});
const archive = createRoute({
  method: 'post',
  path: '/{app_id}/archive',
  tags,
  summary: 'Archive an app (its API keys stop working)',
  middleware: [requireRole('admin')] as const,
  request: { params: AppParam },
  responses: { 200: json(App), ...commonErrors },
});
const unarchive = createRoute({
  method: 'post',
  path: '/{app_id}/unarchive',
  tags,
  summary: 'Bring an archived app back',
  middleware: [requireRole('admin')] as const,
  request: { params: AppParam },
  responses: { 200: json(App), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{app_id}',
  tags,
  summary: 'Delete an app and everything in it (admins)',
  middleware: [requireRole('admin')] as const,
  request: { params: AppParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

/** `/v1/apps`: create and list need only a session; `/{app_id}` routes run behind sessionAppScope. */
export const appRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor, org_id, include_archived } = c.req.valid('query');
    const db = c.get('db');
    const myOrgs = (
      await db
        .select({ orgId: members.orgId })
        .from(members)
        .where(eq(members.userId, c.get('actor')!.id))
    ).map((r) => r.orgId);
    const orgIds = org_id ? myOrgs.filter((o) => o === org_id) : myOrgs;
    if (!orgIds.length) return c.json({ data: [], next_cursor: null }, 200);
    const page = keyset(apps.createdAt, apps.id, cursor);
    const rows = await db
      .select()
      .from(apps)
      .where(
        and(inArray(apps.orgId, orgIds), include_archived === 'true' ? undefined : isNull(apps.archivedAt), page.where),
      )
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    return c.json(pageOf(rows, limit, renderApp), 200);
  })
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const db = c.get('db');
    const role = isIdOf('org', body.org_id) ? await memberRole(c, body.org_id, c.get('actor')!.id) : null;
    if (!role) throw notFound('organization');
    c.set('scope', { orgId: body.org_id, appId: null, role });
    if (!roleAtLeast(role, 'developer')) throw forbidden('Viewers can read but not change anything.');
    const t = Date.now();
    const row = {
      id: newId('app'),
      orgId: body.org_id,
      name: body.name,
      description: body.description ?? '',
      settings: body.settings ?? {},
      archivedAt: null,
      createdAt: t,
      updatedAt: t,
    };
    await db.insert(apps).values(row);
    c.set('scope', { orgId: body.org_id, appId: row.id, role });
    c.set('audit', { action: 'app.create', resourceType: 'app', resourceId: row.id });
    return c.json(renderApp(row), 201);
  })
  .openapi(get, async (c) => {
    const a = await c.get('db').query.apps.findFirst({ where: eq(apps.id, c.get('scope').appId!) });
    if (!a) throw notFound('app');
    return c.json(renderApp(a), 200);
  })
  .openapi(update, async (c) => {
    const body = c.req.valid('json');
    const db = c.get('db');
    const appId = c.get('scope').appId!;
    c.set('audit', {
      action: 'app.update',
      resourceType: 'app',
      resourceId: appId,
      details: { fields: Object.keys(body) },
    });
    const current = (await db.query.apps.findFirst({ where: eq(apps.id, appId) }))!;
    const [row] = await db
      .update(apps)
      .set({
        name: body.name ?? current.name,
        description: body.description ?? current.description,
        settings: body.settings ? { ...current.settings, ...body.settings } : current.settings,
        updatedAt: Date.now(),
      })
      .where(eq(apps.id, appId))
      .returning();
    return c.json(renderApp(row!), 200);
  })
  .openapi(archive, async (c) => {
    const appId = c.get('scope').appId!;
    c.set('audit', { action: 'app.archive', resourceType: 'app', resourceId: appId });
    const [row] = await c
      .get('db')
      .update(apps)
      .set({ archivedAt: Date.now(), updatedAt: Date.now() })
      .where(eq(apps.id, appId))
      .returning();
    return c.json(renderApp(row!), 200);
  })
  .openapi(unarchive, async (c) => {
    const appId = c.get('scope').appId!;
    c.set('audit', { action: 'app.unarchive', resourceType: 'app', resourceId: appId });
    const [row] = await c
      .get('db')
      .update(apps)
      .set({ archivedAt: null, updatedAt: Date.now() })
      .where(eq(apps.id, appId))
      .returning();
    return c.json(renderApp(row!), 200);
  })
  .openapi(remove, async (c) => {
    const appId = c.get('scope').appId!;
    c.set('audit', { action: 'app.delete', resourceType: 'app', resourceId: appId });
    await c.get('db').delete(apps).where(eq(apps.id, appId));
    return c.body(null, 204);
  });
