import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { members, orgs, sessions, users } from '../../core/db/schema/index';
import { newId } from '../../core/ids';
import { iso } from '../../core/time';
import type { AppEnv } from '../env';
import { ApiError, conflict, unauthorized } from '../lib/errors';
import { hashPassword, verifyPassword } from '../lib/password';
import { commonErrors, createRouter, json, jsonBody } from '../lib/router';
import { SESSION_COOKIE, SESSION_TTL_MS, signSession } from '../lib/session';
import { clientIp } from '../middleware/audit';
import { requireUser } from '../middleware/scope';
import { checkLoginAllowed, clearLoginFailures, recordLoginFailure } from '../services/login-throttle.service';

const Email = z.string().trim().toLowerCase().email().max(254);
const Password = z.string().min(10, 'Use at least 10 characters.').max(256);

const User = z.object({ id: z.string(), email: z.string(), name: z.string(), created_at: z.string() }).openapi('User');
const OrgMembership = z.object({ id: z.string(), name: z.string(), role: z.string() }).openapi('OrgMembership');
const SessionResult = z.object({ user: User, orgs: z.array(OrgMembership), token: z.string() }).openapi('Session');

export const renderUser = (u: typeof users.$inferSelect) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  created_at: iso(u.createdAt)!,
});

async function orgsOf(c: Context<AppEnv>, userId: string) {
  const rows = await c
    .get('db')
    .select({ id: orgs.id, name: orgs.name, role: members.role })
    .from(members)
    .innerJoin(orgs, eq(orgs.id, members.orgId))
    .where(eq(members.userId, userId));
  return rows;
}

/** Starts a session: a row (so sign-out can revoke it) and a JWT as cookie and in the body. */
async function startSession(c: Context<AppEnv>, user: typeof users.$inferSelect) {
  const id = newId('session');
  const expiresAt = Date.now() + SESSION_TTL_MS;
  await c.get('db').insert(sessions).values({ id, userId: user.id, createdAt: Date.now(), expiresAt });
  const token = await signSession(c.env.SESSION_SECRET, user.id, id, expiresAt);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
  return { user: renderUser(user), orgs: await orgsOf(c, user.id), token };
}

const register = createRoute({
  method: 'post',
  path: '/register',
  tags: ['Console auth'],
  summary: 'Create an account and its organization, and sign in',
  request: jsonBody(
    z
      .object({
        email: Email,
        password: Password,
        name: z.string().trim().min(1).max(100),
        org_name: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
  ),
  responses: { 201: json(SessionResult, 'Signed in'), 400: commonErrors[400], 409: commonErrors[400] },
});

const login = createRoute({
  method: 'post',
  path: '/login',
  tags: ['Console auth'],
  summary: 'Sign in with email and password',
  request: jsonBody(z.object({ email: Email, password: z.string().min(1).max(256) }).strict()),
  responses: { 200: json(SessionResult, 'Signed in'), 401: commonErrors[401], 429: commonErrors[400] },
});

const logout = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['Console auth'],
  summary: 'Sign out (revokes the session)',
  middleware: [requireUser] as const,
  responses: { 204: { description: 'Signed out' }, 401: commonErrors[401] },
});

const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Console auth'],
  summary: 'Who am I',
  middleware: [requireUser] as const,
  responses: {
    200: json(z.object({ user: User, orgs: z.array(OrgMembership) })),
    401: commonErrors[401],
  },
});

export const authRoutes = createRouter()
  .openapi(register, async (c) => {
    const body = c.req.valid('json');
    const db = c.get('db');
    if (await db.query.users.findFirst({ where: eq(users.email, body.email) })) {
      throw conflict('An account with this email already exists.');
    }
    const t = Date.now();
    const user = {
      id: newId('user'),
      email: body.email,
      name: body.name,
      passwordHash: await hashPassword(body.password),
      createdAt: t,
    };
    const org = { id: newId('org'), name: body.org_name ?? `${body.name}'s organization`, createdAt: t };
    await db.batch([
      db.insert(users).values(user),
      db.insert(orgs).values(org),
      db.insert(members).values({ id: newId('member'), orgId: org.id, userId: user.id, role: 'owner', createdAt: t }),
    ]);
    return c.json(await startSession(c, user), 201);
  })
  .openapi(login, async (c) => {
    const { email, password } = c.req.valid('json');
    const db = c.get('db');
    const ip = clientIp(c);
    await checkLoginAllowed(db, ip, email);
    const user = await db.query.users.findFirst({ where: eq(users.email, email) });
    // Hash even for unknown emails so response time does not reveal which accounts exist.
    let ok = false;
    if (user) ok = await verifyPassword(password, user.passwordHash);
    else await hashPassword(password);
    if (!user || !ok) {
      await recordLoginFailure(db, ip, email);
      throw unauthorized('Wrong email or password.');
    }
    await clearLoginFailures(db, email);
    return c.json(await startSession(c, user), 200);
  })
  .openapi(logout, async (c) => {
    const actor = c.get('actor');
    if (actor?.type !== 'user') throw new ApiError(401, 'unauthorized', 'Not signed in.');
    await c.get('db').update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.id, actor.sessionId));
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  })
  .openapi(me, async (c) => {
    const actor = c.get('actor');
    if (actor?.type !== 'user') throw unauthorized();
    const user = await c.get('db').query.users.findFirst({ where: eq(users.id, actor.id) });
    if (!user) throw unauthorized();
    return c.json({ user: renderUser(user), orgs: await orgsOf(c, user.id) }, 200);
  });
