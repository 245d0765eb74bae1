import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jwtVerify, SignJWT } from 'jose';
import type { AppEnv } from '../env';
import { ApiError, notFound, unauthorized } from '../lib/errors';
import { configuredProviders, OAUTH_PROVIDERS, providerConfig } from '../lib/oauth-providers';
import { commonErrors, createRouter, json, jsonBody, publicSecurity } from '../lib/router';
import { clientIp } from '../middleware/audit';
import { consoleOrigins } from '../middleware/cors';
import { findUser } from '../services/accounts.service';
import { accountForProfile } from '../services/oauth-accounts.service';
import { beginFlow, FLOW_COOKIE, FLOW_TTL_S, finishFlow, readFlow } from '../services/oauth-flow.service';
import { checkSecondFactor, hasTwoFactor } from '../services/two-factor.service';
import { SessionResult, signedIn } from './auth.routes';

/** Sign in with Google or GitHub (mounted at /v1/auth). The protocol itself is oauth4webapi's. */
const tags = ['Console auth'];
const FLOW_PATH = '/v1/auth/oauth';
const PENDING_COOKIE = 'edgelive_oauth_2fa';
const PENDING_AUDIENCE = 'edgelive:oauth-2fa';
const PENDING_TTL_S = 300;

const Provider = z.object({
  provider: z
    .string()
    .max(32)
    .openapi({ param: { name: 'provider', in: 'path' }, example: 'google' }),
});
const NAMES: Record<(typeof OAUTH_PROVIDERS)[number], string> = { google: 'Google', github: 'GitHub' };

const listProviders = createRoute({
  method: 'get',
  path: '/oauth/providers',
  operationId: 'listOAuthProviders',
  tags,
  security: publicSecurity,
  summary: 'The sign-in providers this deployment has configured',
  responses: {
    200: json(z.object({ data: z.array(z.object({ id: z.enum(OAUTH_PROVIDERS), name: z.string() })) })),
  },
});
const start = createRoute({
  method: 'get',
  path: '/oauth/{provider}/start',
  operationId: 'startOAuthSignIn',
  tags,
  security: publicSecurity,
  summary: 'Start signing in with a provider: redirects to it (PKCE, state and nonce kept in a signed cookie)',
  request: {
    params: Provider,
    query: z.object({ return_to: z.string().url().max(2000).optional() }),
  },
  responses: { 302: { description: 'To the provider' }, 400: commonErrors[400], 404: commonErrors[404] },
});
const callback = createRoute({
  method: 'get',
  path: '/oauth/{provider}/callback',
  operationId: 'finishOAuthSignIn',
  tags,
  security: publicSecurity,
  summary:
    'Where the provider sends the browser back: checks state, exchanges the code with the PKCE verifier, signs in',
  request: {
    params: Provider,
    query: z.object({
      code: z.string().max(2000).optional(),
      state: z.string().max(2000).optional(),
      error: z.string().max(200).optional(),
    }),
  },
  responses: {
    302: { description: 'Signed in (or a second factor is asked for): back to the console' },
    400: commonErrors[400],
    404: commonErrors[404],
    409: commonErrors[400],
  },
});
const complete = createRoute({
  method: 'post',
  path: '/oauth/complete',
  operationId: 'completeOAuthSignIn',
  tags,
  security: publicSecurity,
  summary: 'Finish a provider sign-in of an account with two-factor sign-in: a TOTP or recovery code',
  request: jsonBody(
    z.object({ totp_code: z.string().max(12).optional(), recovery_code: z.string().max(64).optional() }).strict(),
  ),
  responses: { 200: json(SessionResult, 'Signed in'), 400: commonErrors[400], 401: commonErrors[401] },
});

function enabled(c: Context<AppEnv>, provider: string) {
  const p = providerConfig(c.env, provider);
  if (!p) throw notFound('sign-in provider');
  return p;
}

const redirectUri = (c: Context<AppEnv>, provider: string) =>
  `${new URL(c.req.url).origin}${FLOW_PATH}/${provider}/callback`;

/** Only the console's own origins: anything else would make the callback an open redirect. */
function returnTarget(c: Context<AppEnv>, requested: string | undefined): string {
  const fallback = c.env.CONSOLE_URL ?? `${new URL(c.req.url).origin}/`;
  if (!requested) return fallback;
  if (!consoleOrigins(c).has(new URL(requested).origin)) {
    throw new ApiError(400, 'invalid_return_to', 'return_to must be on one of the console origins.');
  }
  return requested;
}

const cookieOptions = (c: Context<AppEnv>, maxAge: number) => ({
  httpOnly: true,
  sameSite: 'Lax' as const,
  secure: new URL(c.req.url).protocol === 'https:',
  path: FLOW_PATH,
  maxAge,
});
const pendingKey = (c: Context<AppEnv>) => new TextEncoder().encode(c.env.SESSION_SECRET);

export const authOAuthRoutes = createRouter()
  .openapi(listProviders, (c) =>
    c.json({ data: configuredProviders(c.env).map((id) => ({ id, name: NAMES[id] })) }, 200),
  )
  .openapi(start, async (c) => {
    const { provider } = c.req.valid('param');
    const p = enabled(c, provider);
    const returnTo = returnTarget(c, c.req.valid('query').return_to);
    const { url, cookie } = await beginFlow(p, c.env.SESSION_SECRET, redirectUri(c, provider), returnTo);
    setCookie(c, FLOW_COOKIE, cookie, cookieOptions(c, FLOW_TTL_S));
    return c.redirect(url.href, 302);
  })
  .openapi(callback, async (c) => {
    const { provider } = c.req.valid('param');
    const p = enabled(c, provider);
    const flow = await readFlow(c.env.SESSION_SECRET, getCookie(c, FLOW_COOKIE), p.id);
    // Single use: whatever happens next, this browser's flow is spent.
    deleteCookie(c, FLOW_COOKIE, { path: FLOW_PATH });
    const profile = await finishFlow(p, flow, new URL(c.req.url), redirectUri(c, provider));
    const db = c.get('db');
    const user = await accountForProfile(db, profile, clientIp(c));
    if (await hasTwoFactor(db, user.id)) {
      const pending = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.id)
        .setAudience(PENDING_AUDIENCE)
        .setExpirationTime(`${PENDING_TTL_S}s`)
        .sign(pendingKey(c));
      setCookie(c, PENDING_COOKIE, pending, cookieOptions(c, PENDING_TTL_S));
      const ask = new URL('/sign-in', flow.returnTo);
      ask.searchParams.set('second_factor', provider);
      return c.redirect(ask.href, 302);
    }
    await signedIn(c, user);
    return c.redirect(flow.returnTo, 302);
  })
  .openapi(complete, async (c) => {
    const cookie = getCookie(c, PENDING_COOKIE);
    const lost = () => unauthorized('No provider sign-in is waiting for a second factor; start again.');
    if (!cookie) throw lost();
    let userId: string;
    try {
      const { payload } = await jwtVerify(cookie, pendingKey(c), { algorithms: ['HS256'], audience: PENDING_AUDIENCE });
      userId = payload.sub!;
    } catch {
      throw lost();
    }
    const db = c.get('db');
    const user = await findUser(db, userId);
    await checkSecondFactor(db, user.id, c.req.valid('json'));
    deleteCookie(c, PENDING_COOKIE, { path: FLOW_PATH });
    return c.json(await signedIn(c, user), 200);
  });
