import { createRoute, z } from '@hono/zod-openapi';
import { isIdOf } from '../../core/ids';
import { forbidden, notFound } from '../lib/errors';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, createRouter, idParam, json, jsonBody, sessionSecurity } from '../lib/router';
import { consoleUser, requireRole, requireUser, roleAtLeast } from '../middleware/scope';
import { createApp, findApp, listAppsOfUser, setArchived, updateApp } from '../services/apps.service';
import { deleteAppsWithMedia, purgeMedia } from '../services/media-purge.service';
import { memberRole } from '../services/orgs.service';
import { App, CreateAppBody, renderApp, UpdateAppBody } from './apps.schema';

const tags = ['Apps'];
const AppParam = idParam('app_id', 'app_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listApps',
  security: sessionSecurity,
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
  operationId: 'createApp',
  security: sessionSecurity,
  summary: 'Create an app (developers and above)',
  middleware: [requireUser] as const,
  request: jsonBody(CreateAppBody),
  responses: { 201: json(App), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{app_id}',
  tags,
  operationId: 'getApp',
  security: sessionSecurity,
  summary: 'Get an app',
  request: { params: AppParam },
  responses: { 200: json(App), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{app_id}',
  tags,
  operationId: 'updateApp',
  security: sessionSecurity,
  summary: 'Update an app',
  request: { params: AppParam, ...jsonBody(UpdateAppBody) },
  responses: { 200: json(App), ...commonErrors },
});
const archive = createRoute({
  method: 'post',
  path: '/{app_id}/archive',
  tags,
  operationId: 'archiveApp',
  security: sessionSecurity,
  summary: 'Archive an app (its API keys stop working)',
  middleware: [requireRole('admin')] as const,
  request: { params: AppParam },
  responses: { 200: json(App), ...commonErrors },
});
const unarchive = createRoute({
  method: 'post',
  path: '/{app_id}/unarchive',
  tags,
  operationId: 'unarchiveApp',
  security: sessionSecurity,
  summary: 'Bring an archived app back',
  middleware: [requireRole('admin')] as const,
  request: { params: AppParam },
  responses: { 200: json(App), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{app_id}',
  tags,
  operationId: 'deleteApp',
  security: sessionSecurity,
  summary: 'Delete an app and everything in it, its R2 media included (admins; 409 while a stream is live)',
  middleware: [requireRole('admin')] as const,
  request: { params: AppParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

/** `/v1/apps`: create and list need only a session. */
export const appRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor, org_id, include_archived } = c.req.valid('query');
    const rows = await listAppsOfUser(c.get('db'), consoleUser(c.get('actor')).id, {
      limit,
      cursor,
      orgId: org_id,
      includeArchived: include_archived === 'true',
    });
    return c.json(pageOf(rows, limit, renderApp), 200);
  })
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const db = c.get('db');
    const role = isIdOf('org', body.org_id) ? await memberRole(db, body.org_id, consoleUser(c.get('actor')).id) : null;
    if (!role) throw notFound('organization');
    c.set('scope', { orgId: body.org_id, appId: null, role });
    if (!roleAtLeast(role, 'developer')) throw forbidden('Viewers can read but not change anything.');
    const row = await createApp(db, body);
    c.set('scope', { orgId: body.org_id, appId: row.id, role });
    c.set('audit', { action: 'app.create', resourceType: 'app', resourceId: row.id });
    return c.json(renderApp(row), 201);
  });

/** `/v1/apps/{app_id}`: behind sessionAppScope, which decided the app. */
export const appItemRoutes = createAppRouter()
  .openapi(get, async (c) => c.json(renderApp(await findApp(c.get('db'), c.get('scope').appId)), 200))
  .openapi(update, async (c) => {
    const body = c.req.valid('json');
    const { appId } = c.get('scope');
    c.set('audit', {
      action: 'app.update',
      resourceType: 'app',
      resourceId: appId,
      details: { fields: Object.keys(body) },
    });
    return c.json(renderApp(await updateApp(c.get('db'), appId, body)), 200);
  })
  .openapi(archive, async (c) => {
    const { appId } = c.get('scope');
    c.set('audit', { action: 'app.archive', resourceType: 'app', resourceId: appId });
    return c.json(renderApp(await setArchived(c.get('db'), appId, true)), 200);
  })
  .openapi(unarchive, async (c) => {
    const { appId } = c.get('scope');
    c.set('audit', { action: 'app.unarchive', resourceType: 'app', resourceId: appId });
    return c.json(renderApp(await setArchived(c.get('db'), appId, false)), 200);
  })
  .openapi(remove, async (c) => {
    const { appId } = c.get('scope');
    c.set('audit', { action: 'app.delete', resourceType: 'app', resourceId: appId });
    const db = c.get('db');
    await deleteAppsWithMedia(db, [appId]);
    // Small apps are gone from R2 at once; the Cron Trigger drains whatever this pass leaves.
    c.executionCtx.waitUntil(purgeMedia(db, c.env).catch((err: unknown) => console.error('media purge failed', err)));
    return c.body(null, 204);
  });
