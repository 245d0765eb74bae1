import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie } from 'hono/cookie';
import { commonErrors, createRouter, json, jsonBody, publicSecurity, sessionSecurity } from '../lib/router';
import { SESSION_COOKIE } from '../lib/session';
import { consoleUser, requireUser } from '../middleware/scope';
import { findUser } from '../services/accounts.service';
import {
  confirmEmailChange,
  requestEmailChange,
  requestPasswordReset,
  resetPassword,
  startVerification,
  verifyEmail,
} from '../services/auth-email.service';
import { sendLater } from '../services/email-transport';
import { Email, Password, renderUser, User } from './auth.schema';

/** The mailed-link flows of console accounts: verification, password reset, email change. */
const tags = ['Console auth'];
const Token = z.object({ token: z.string().min(8).max(200) }).strict();
const Accepted = z.object({ status: z.literal('accepted') }).openapi('Accepted');

const resendVerification = createRoute({
  method: 'post',
  path: '/verify-email/send',
  tags,
  operationId: 'sendVerificationEmail',
  security: sessionSecurity,
  summary: 'Send (again) the link that verifies your email address',
  middleware: [requireUser] as const,
  responses: { 202: json(Accepted, 'Sent if the address is not verified yet'), 401: commonErrors[401] },
});
const confirmVerification = createRoute({
  method: 'post',
  path: '/verify-email',
  tags,
  operationId: 'verifyEmail',
  security: publicSecurity,
  summary: 'Verify an email address with the mailed token',
  request: jsonBody(Token),
  responses: { 200: json(z.object({ user: User })), 400: commonErrors[400] },
});
const requestReset = createRoute({
  method: 'post',
  path: '/password-reset',
  tags,
  operationId: 'requestPasswordReset',
  security: publicSecurity,
  summary: 'Mail a password reset link (the answer is the same whether or not the address has an account)',
  request: jsonBody(z.object({ email: Email }).strict()),
  responses: { 202: json(Accepted), 400: commonErrors[400] },
});
const confirmReset = createRoute({
  method: 'post',
  path: '/password-reset/confirm',
  tags,
  operationId: 'confirmPasswordReset',
  security: publicSecurity,
  summary: 'Set a new password with the mailed token; every session is signed out',
  request: jsonBody(z.object({ token: z.string().min(8).max(200), password: Password }).strict()),
  responses: { 204: { description: 'Password changed' }, 400: commonErrors[400] },
});
const requestChange = createRoute({
  method: 'post',
  path: '/email-change',
  tags,
  operationId: 'requestEmailChange',
  security: sessionSecurity,
  summary: 'Change your sign-in address: a link goes to the new address, a notice to the old one',
  middleware: [requireUser] as const,
  request: jsonBody(z.object({ new_email: Email, password: z.string().min(1).max(256) }).strict()),
  responses: { 202: json(Accepted), 400: commonErrors[400], 401: commonErrors[401] },
});
const confirmChange = createRoute({
  method: 'post',
  path: '/email-change/confirm',
  tags,
  operationId: 'confirmEmailChange',
  security: publicSecurity,
  summary: 'Confirm a new sign-in address with the token mailed to it',
  request: jsonBody(Token),
  responses: { 204: { description: 'Address changed' }, 400: commonErrors[400], 409: commonErrors[400] },
});

const accepted = { status: 'accepted' as const };

export const authEmailRoutes = createRouter()
  .openapi(resendVerification, async (c) => {
    const db = c.get('db');
    const user = await findUser(db, consoleUser(c.get('actor')).id);
    for (const m of await startVerification(db, c.env, c.req.url, user)) sendLater(c.executionCtx, c.env, m);
    return c.json(accepted, 202);
  })
  .openapi(confirmVerification, async (c) => {
    const user = await verifyEmail(c.get('db'), c.req.valid('json').token);
    return c.json({ user: renderUser(user) }, 200);
  })
  .openapi(requestReset, async (c) => {
    const mails = await requestPasswordReset(c.get('db'), c.env, c.req.url, c.req.valid('json').email);
    for (const m of mails) sendLater(c.executionCtx, c.env, m);
    return c.json(accepted, 202);
  })
  .openapi(confirmReset, async (c) => {
    const { token, password } = c.req.valid('json');
    await resetPassword(c.get('db'), token, password);
    // The caller's own session (if any) was revoked with the others.
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  })
  .openapi(requestChange, async (c) => {
    const db = c.get('db');
    const { new_email, password } = c.req.valid('json');
    const user = await findUser(db, consoleUser(c.get('actor')).id);
    for (const m of await requestEmailChange(db, c.env, c.req.url, user, new_email, password)) {
      sendLater(c.executionCtx, c.env, m);
    }
    return c.json(accepted, 202);
  })
  .openapi(confirmChange, async (c) => {
    const { mails } = await confirmEmailChange(c.get('db'), c.req.valid('json').token);
    for (const m of mails) sendLater(c.executionCtx, c.env, m);
    return c.body(null, 204);
  });
