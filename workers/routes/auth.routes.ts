import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { commonErrors, createRouter, json, jsonBody, publicSecurity, sessionSecurity } from '../lib/router';
import { SESSION_COOKIE, SESSION_TTL_MS } from '../lib/session';
import { clientIp } from '../middleware/audit';
import { consoleUser, requireUser } from '../middleware/scope';
import {
  endSession,
  findUser,
  orgsOf,
  registerUser,
  signIn,
  startSession,
  type UserRow,
} from '../services/accounts.service';
import { startVerification } from '../services/auth-email.service';
import { sendLater } from '../services/email-transport';
import { checkSecondFactor } from '../services/two-factor.service';
import { Email, Password, renderUser, User } from './auth.schema';

const OrgMembership = z.object({ id: z.string(), name: z.string(), role: z.string() }).openapi('OrgMembership');
const SessionResult = z.object({ user: User, orgs: z.array(OrgMembership), token: z.string() }).openapi('Session');

/** Signs the user in: the session JWT as an HttpOnly cookie, and in the body for scripts. */
async function signedIn(c: Context<AppEnv>, user: UserRow) {
  const { token, orgs } = await startSession(c.get('db'), c.env, user);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
  return { user: renderUser(user), orgs, token };
}

const register = createRoute({
  method: 'post',
  path: '/register',
  tags: ['Console auth'],
  operationId: 'registerAccount',
  security: publicSecurity,
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
  operationId: 'signIn',
  security: publicSecurity,
  summary: 'Sign in with email and password',
  request: jsonBody(
    z
      .object({
        email: Email,
        password: z.string().min(1).max(256),
        /** Needed (one of the two) when the account has two-factor sign-in. */
        totp_code: z.string().max(12).optional(),
        recovery_code: z.string().max(64).optional(),
      })
      .strict(),
  ),
  responses: { 200: json(SessionResult, 'Signed in'), 401: commonErrors[401], 429: commonErrors[400] },
});

const logout = createRoute({
  method: 'post',
  path: '/logout',
  tags: ['Console auth'],
  operationId: 'signOut',
  security: sessionSecurity,
  summary: 'Sign out (revokes the session)',
  middleware: [requireUser] as const,
  responses: { 204: { description: 'Signed out' }, 401: commonErrors[401] },
});

const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Console auth'],
  operationId: 'getCurrentUser',
  security: sessionSecurity,
  summary: 'Who am I',
  middleware: [requireUser] as const,
  responses: {
    200: json(z.object({ user: User, orgs: z.array(OrgMembership) })),
    401: commonErrors[401],
  },
});

export const authRoutes = createRouter()
  .openapi(register, async (c) => {
    const db = c.get('db');
    const user = await registerUser(db, c.req.valid('json'), clientIp(c));
    // The account works at once; the mailed link proves the address (needed for invitations).
    for (const m of await startVerification(db, c.env, c.req.url, user)) sendLater(c.executionCtx, c.env, m);
    return c.json(await signedIn(c, user), 201);
  })
  .openapi(login, async (c) => {
    const { email, password, ...second } = c.req.valid('json');
    const user = await signIn(c.get('db'), email, password, clientIp(c));
    await checkSecondFactor(c.get('db'), user.id, second);
    return c.json(await signedIn(c, user), 200);
  })
  .openapi(logout, async (c) => {
    const actor = consoleUser(c.get('actor'));
    await endSession(c.get('db'), actor.sessionId);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  })
  .openapi(me, async (c) => {
    const db = c.get('db');
    const user = await findUser(db, consoleUser(c.get('actor')).id);
    return c.json({ user: renderUser(user), orgs: await orgsOf(db, user.id) }, 200);
  });
