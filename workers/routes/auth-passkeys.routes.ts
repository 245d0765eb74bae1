import { createRoute, z } from '@hono/zod-openapi';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'hono';
import { iso } from '../../core/time';
import type { AppEnv } from '../env';
import { commonErrors, createRouter, idParam, json, jsonBody, publicSecurity, sessionSecurity } from '../lib/router';
import { consoleOrigins } from '../middleware/cors';
import { consoleUser, requireUser } from '../middleware/scope';
import { findUser } from '../services/accounts.service';
import {
  deletePasskey,
  finishRegistration,
  finishSignIn,
  listPasskeys,
  type PasskeyRow,
  type RelyingParty,
  registrationOptions,
  signInOptions,
} from '../services/passkeys.service';
import { SessionResult, signedIn } from './auth.routes';

/**
 * Passkeys for console accounts (mounted at /v1/auth): options, then the authenticator's answer,
 * for enrolling (signed in) and for signing in. The console's pages are the WebAuthn origin, so
 * the RP ID is the hostname of the console page that asks (it must be one of the console origins).
 */
const tags = ['Console auth'];

// The browser's answers are WebAuthn JSON (base64url fields); @simplewebauthn/server checks them.
const WebAuthnAnswer = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal('public-key'),
    response: z.object({ clientDataJSON: z.string().min(1).max(8192) }).passthrough(),
  })
  .passthrough()
  .openapi('WebAuthnResponse', { description: 'What `navigator.credentials` answered, as WebAuthn JSON' });
const Options = z.record(z.string(), z.unknown()).openapi('WebAuthnOptions', {
  description: 'PublicKeyCredentialCreationOptionsJSON or ...RequestOptionsJSON, for the browser',
});

export const Passkey = z
  .object({ id: z.string(), name: z.string(), created_at: z.string(), last_used_at: z.string().nullable() })
  .openapi('Passkey');
const renderPasskey = (p: PasskeyRow) => ({
  id: p.id,
  name: p.name,
  created_at: iso(p.createdAt)!,
  last_used_at: iso(p.lastUsedAt),
});

/** The page asking must be a console origin; its hostname is the RP ID. */
function relyingParty(c: Context<AppEnv>): RelyingParty {
  const origins = [...consoleOrigins(c)];
  const asking = c.req.header('origin');
  const page = asking && origins.includes(asking) ? asking : (c.env.CONSOLE_URL ?? new URL(c.req.url).origin);
  return { id: new URL(page).hostname, origins };
}

const errors = { 400: commonErrors[400], 401: commonErrors[401] };

const registerOptions = createRoute({
  method: 'post',
  path: '/passkeys/register/options',
  tags,
  operationId: 'startPasskeyRegistration',
  security: sessionSecurity,
  summary: 'Options for enrolling a passkey (pass them to navigator.credentials.create)',
  middleware: [requireUser] as const,
  responses: { 200: json(Options), ...errors },
});
const register = createRoute({
  method: 'post',
  path: '/passkeys',
  tags,
  operationId: 'createPasskey',
  security: sessionSecurity,
  summary: "Enrol a passkey from the authenticator's answer to the registration options",
  middleware: [requireUser] as const,
  request: jsonBody(
    z.object({ response: WebAuthnAnswer, name: z.string().trim().min(1).max(100).default('Passkey') }).strict(),
  ),
  responses: { 201: json(Passkey), ...errors, 409: commonErrors[400] },
});
const list = createRoute({
  method: 'get',
  path: '/passkeys',
  tags,
  operationId: 'listPasskeys',
  security: sessionSecurity,
  summary: "The signed-in account's passkeys",
  middleware: [requireUser] as const,
  responses: { 200: json(z.object({ data: z.array(Passkey) })), 401: commonErrors[401] },
});
const remove = createRoute({
  method: 'delete',
  path: '/passkeys/{passkey_id}',
  tags,
  operationId: 'deletePasskey',
  security: sessionSecurity,
  summary: 'Remove a passkey (it no longer signs in)',
  middleware: [requireUser] as const,
  request: { params: idParam('passkey_id', 'pkey_123') },
  responses: { 204: { description: 'Removed' }, 401: commonErrors[401], 404: commonErrors[404] },
});
const signInOpts = createRoute({
  method: 'post',
  path: '/passkeys/sign-in/options',
  tags,
  operationId: 'startPasskeySignIn',
  security: publicSecurity,
  summary: 'Options for signing in with a passkey (pass them to navigator.credentials.get)',
  responses: { 200: json(Options) },
});
const signIn = createRoute({
  method: 'post',
  path: '/passkeys/sign-in',
  tags,
  operationId: 'signInWithPasskey',
  security: publicSecurity,
  summary: "Sign in with the authenticator's answer to the sign-in options (no password, no TOTP code)",
  request: jsonBody(z.object({ response: WebAuthnAnswer }).strict()),
  responses: { 200: json(SessionResult), ...errors },
});

export const authPasskeyRoutes = createRouter()
  .openapi(registerOptions, async (c) => {
    const user = await findUser(c.get('db'), consoleUser(c.get('actor')).id);
    return c.json(await registrationOptions(c.get('db'), user, relyingParty(c)), 200);
  })
  .openapi(register, async (c) => {
    const db = c.get('db');
    const user = await findUser(db, consoleUser(c.get('actor')).id);
    const { response, name } = c.req.valid('json');
    const row = await finishRegistration(
      db,
      user,
      response as unknown as RegistrationResponseJSON,
      relyingParty(c),
      name,
    );
    return c.json(renderPasskey(row), 201);
  })
  .openapi(list, async (c) => {
    const rows = await listPasskeys(c.get('db'), consoleUser(c.get('actor')).id);
    return c.json({ data: rows.map(renderPasskey) }, 200);
  })
  .openapi(remove, async (c) => {
    await deletePasskey(c.get('db'), consoleUser(c.get('actor')).id, c.req.valid('param').passkey_id);
    return c.body(null, 204);
  })
  .openapi(signInOpts, async (c) => c.json(await signInOptions(c.get('db'), relyingParty(c)), 200))
  .openapi(signIn, async (c) => {
    const db = c.get('db');
    const user = await finishSignIn(
      db,
      c.req.valid('json').response as unknown as AuthenticationResponseJSON,
      relyingParty(c),
    );
    return c.json(await signedIn(c, user), 200);
  });
