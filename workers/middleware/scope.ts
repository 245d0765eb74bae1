import { and, eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { apps, members } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import type { AppEnv, Role } from '../env';
import { forbidden, notFound, unauthorized } from '../lib/errors';

const RANK: Record<Role, number> = { viewer: 0, developer: 1, admin: 2, owner: 3 };

export const roleAtLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Viewers read and never change; applied by every scope so no route can forget it. */
function assertCanWrite(method: string, role: Role) {
  if (!READS.has(method) && !roleAtLeast(role, 'developer')) {
    throw forbidden('Viewers can read but not change anything.');
  }
}

/** Customer routes (`/v1/streams`, ...): an API key, which decides the app. */
export const apiKeyScope = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  if (actor.type !== 'api_key') {
    throw forbidden('Console sessions reach app resources under /v1/apps/{app_id}/...; use an API key here.');
  }
  const app = await c.get('db').query.apps.findFirst({ where: eq(apps.id, actor.appId) });
  if (!app) throw unauthorized('The API key belongs to an app that no longer exists.');
  if (app.archivedAt) throw forbidden('This app is archived; unarchive it in the console to use its keys.');
  c.set('scope', { orgId: app.orgId, appId: app.id, role: 'developer' });
  await next();
});

/** Looks up the caller's role in an org; a non-member gets 404 so org ids do not leak. */
export async function memberRole(c: { get: (k: 'db') => AppEnv['Variables']['db'] }, orgId: string, userId: string) {
  const m = await c.get('db').query.members.findFirst({
    where: and(eq(members.orgId, orgId), eq(members.userId, userId)),
  });
  return m?.role ?? null;
}

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  if (actor.type !== 'user') throw forbidden('This route is for console sessions, not API keys.');
  await next();
});

/** Console routes under `/v1/apps/{app_id}/...`: a session whose user is a member of the app's org. */
export const sessionAppScope = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  const appId = c.req.param('app_id') ?? '';
  if (actor.type === 'api_key') {
    // An API key may use the console paths for its own app only.
    if (actor.appId !== appId) throw notFound('app');
    const app = await c.get('db').query.apps.findFirst({ where: eq(apps.id, appId) });
    if (!app) throw notFound('app');
    c.set('scope', { orgId: app.orgId, appId, role: 'developer' });
    return next();
  }
  if (!isIdOf('app', appId)) throw notFound('app');
  const app = await c.get('db').query.apps.findFirst({ where: eq(apps.id, appId) });
  const role = app && (await memberRole(c, app.orgId, actor.id));
  if (!app || !role) throw notFound('app');
  assertCanWrite(c.req.method, role);
  c.set('scope', { orgId: app.orgId, appId, role });
  await next();
});

/** Org routes under `/v1/orgs/{org_id}/...`: a member; `min` raises the bar for the whole router. */
export const orgScope = (min: Role = 'viewer') =>
  createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get('actor');
    if (!actor) throw unauthorized();
    if (actor.type !== 'user') throw forbidden('This route is for console sessions, not API keys.');
    const orgId = c.req.param('org_id') ?? '';
    const role = isIdOf('org', orgId) ? await memberRole(c, orgId, actor.id) : null;
    if (!role) throw notFound('organization');
    if (!roleAtLeast(role, min)) throw forbidden();
    assertCanWrite(c.req.method, role);
    c.set('scope', { orgId, appId: null, role });
    await next();
  });

/** Inside a scope: demand a higher role for one route (e.g. only owners manage members). */
export const requireRole = (min: Role) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!roleAtLeast(c.get('scope').role, min)) throw forbidden(`Only ${min}s and above can do this.`);
    await next();
  });
