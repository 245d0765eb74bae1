import { createRoute, z } from '@hono/zod-openapi';
import { unauthorized } from '../lib/errors';
import { verifyPassword } from '../lib/password';
import { commonErrors, createRouter, idParam, json, jsonBody, sessionSecurity } from '../lib/router';
import { consoleUser, orgScope, requireUser } from '../middleware/scope';
import { findUser } from '../services/accounts.service';
import {
  confirmEnrolment,
  disableTwoFactor,
  setOrgRequireTwoFactor,
  startEnrolment,
} from '../services/two-factor.service';
import { Org, renderOrg } from './orgs.schema';

/** TOTP enrolment for console accounts (mounted at /v1/auth), and the org's "require 2FA" switch (at /v1/orgs). */
const tags = ['Console auth'];
const Code = z.string().regex(/^\d{6}$/, 'Six digits.');

const enroll = createRoute({
  method: 'post',
  path: '/totp/enroll',
  tags,
  operationId: 'enrollTotp',
  security: sessionSecurity,
  summary: 'Start TOTP enrolment: a secret and its otpauth:// URI (show it as a QR code)',
  middleware: [requireUser] as const,
  responses: {
    201: json(z.object({ secret: z.string(), otpauth_uri: z.string() }).openapi('TotpEnrolment')),
    401: commonErrors[401],
    409: commonErrors[400],
  },
});
const confirm = createRoute({
  method: 'post',
  path: '/totp/confirm',
  tags,
  operationId: 'confirmTotp',
  security: sessionSecurity,
  summary: 'Confirm enrolment with a first code; returns 10 single-use recovery codes (shown once)',
  middleware: [requireUser] as const,
  request: jsonBody(z.object({ code: Code }).strict()),
  responses: {
    200: json(z.object({ recovery_codes: z.array(z.string()) })),
    400: commonErrors[400],
    401: commonErrors[401],
  },
});
const disable = createRoute({
  method: 'post',
  path: '/totp/disable',
  tags,
  operationId: 'disableTotp',
  security: sessionSecurity,
  summary: 'Turn two-factor sign-in off (needs the password)',
  middleware: [requireUser] as const,
  request: jsonBody(z.object({ password: z.string().min(1).max(256) }).strict()),
  responses: { 204: { description: 'Off' }, 400: commonErrors[400], 401: commonErrors[401] },
});

export const authTotpRoutes = createRouter()
  .openapi(enroll, async (c) => {
    const user = await findUser(c.get('db'), consoleUser(c.get('actor')).id);
    return c.json(await startEnrolment(c.get('db'), user), 201);
  })
  .openapi(confirm, async (c) => {
    const userId = consoleUser(c.get('actor')).id;
    return c.json({ recovery_codes: await confirmEnrolment(c.get('db'), userId, c.req.valid('json').code) }, 200);
  })
  .openapi(disable, async (c) => {
    const db = c.get('db');
    const user = await findUser(db, consoleUser(c.get('actor')).id);
    if (!(await verifyPassword(c.req.valid('json').password, user.passwordHash))) throw unauthorized('Wrong password.');
    await disableTwoFactor(db, user.id);
    return c.body(null, 204);
  });

const setSecurity = createRoute({
  method: 'patch',
  path: '/{org_id}/security',
  tags: ['Organizations'],
  operationId: 'updateOrgSecurity',
  security: sessionSecurity,
  summary: 'Require two-factor sign-in of every member (owners; you need it on yourself first)',
  middleware: [orgScope('owner')] as const,
  request: {
    params: idParam('org_id', 'org_123'),
    ...jsonBody(z.object({ require_two_factor: z.boolean() }).strict()),
  },
  responses: { 200: json(Org), ...commonErrors, 409: commonErrors[400] },
});

export const orgSecurityRoutes = createRouter().openapi(setSecurity, async (c) => {
  const { orgId, role } = c.get('scope');
  const on = c.req.valid('json').require_two_factor;
  c.set('audit', {
    action: 'org.security',
    resourceType: 'org',
    resourceId: orgId,
    details: { require_two_factor: on },
  });
  const org = await setOrgRequireTwoFactor(c.get('db'), orgId, consoleUser(c.get('actor')).id, on);
  return c.json(renderOrg(org, role), 200);
});
