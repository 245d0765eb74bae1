import { eq } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { apps } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import type { Actor, AppEnv, Role } from '../env';
import { forbidden, notFound, unauthorized } from '../lib/errors';
import { assertOrgGate } from '../services/org-gate';
import { memberRole } from '../services/orgs.service';

const RANK: Record<Role, number> = { viewer: 0, developer: 1, admin: 2, owner: 3 };

export const roleAtLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Viewers read and never change; applied by every scope so no route can forget it. */
function assertCanWrite(method: string, role: Role) {
  if (!READS.has(method) && !roleAtLeast(role, 'developer')) {
    throw forbidden('Viewers can read but not change anything.');
  }
}

const archived = () => forbidden('This app is archived; unarchive it in the console to use its keys.');

/** Customer routes (`/v1/streams`, ...): an API key, which decides the app. */
export const apiKeyScope = createMiddleware<AppEnv>(async (c, next) => {
  const actor = c.get('actor');
  if (!actor) throw unauthorized();
  if (actor.type !== 'api_key') {
    throw forbidden('Console sessions reach app resources under /v1/apps/{app_id}/...; use an API key here.');
  }
  const app = await c.get('db').query.apps.findFirst({ where: eq(apps.id, actor.appId) });
  if (!app) throw unauthorized('The API key belongs to an app that no longer exists.');
  if (app.archivedAt) throw archived();
  await assertOrgGate(c.get('db'), app.orgId);
  c.set('scope', { orgId: app.orgId, appId: app.id, role: 'developer' });
  await next();
});

/** The console user behind the request; an API key (or nobody) is refused. */
export function consoleUser(actor: Actor | null) {
  if (!actor) throw unauthorized();
  if (actor.type !== 'user') throw forbidden('This route is for console sessions, not API keys.');
  return actor;
}

export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  consoleUser(c.get('actor'));
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
    if (app.archivedAt) throw archived();
    await assertOrgGate(c.get('db'), app.orgId);
    c.set('scope', { orgId: app.orgId, appId, role: 'developer' });
    return next();
  }
  if (!isIdOf('app', appId)) throw notFound('app');
  const app = await c.get('db').query.apps.findFirst({ where: eq(apps.id, appId) });
  const role = app && (await memberRole(c.get('db'), app.orgId, actor.id));
  if (!app || !role) throw notFound('app');
  await assertOrgGate(c.get('db'), app.orgId, { userId: actor.id, operatorRead: Boolean(actor.viewAsBy) });
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
    const role = isIdOf('org', orgId) ? await memberRole(c.get('db'), orgId, actor.id) : null;
    if (!role) throw notFound('organization');
    if (!roleAtLeast(role, min)) throw forbidden();
    // The owner can always reach the org's settings, so requiring 2FA can be turned off again.
    await assertOrgGate(c.get('db'), orgId, {
      userId: actor.id,
      skipTwoFactor: c.req.path.endsWith('/security'),
      operatorRead: Boolean(actor.viewAsBy),
    });
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
