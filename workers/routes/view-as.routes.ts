import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { ApiError } from '../lib/errors';
import { commonErrors, createRouter, json, sessionSecurity } from '../lib/router';
import { SESSION_COOKIE } from '../lib/session';
import { consoleUser, requireUser } from '../middleware/scope';
import { endViewAs } from '../services/operators.service';

/** Leaving an operator's read-only "view as" session (mounted at /v1/auth). */
const end = createRoute({
  method: 'post',
  path: '/view-as/end',
  operationId: 'endViewAs',
  tags: ['Admin'],
  security: sessionSecurity,
  summary: "End a view-as session; the operator's own session comes back when it is still valid",
  middleware: [requireUser] as const,
  responses: {
    200: json(z.object({ restored: z.boolean() }).openapi('ViewAsEnded')),
    400: commonErrors[400],
    401: commonErrors[401],
  },
});

export const viewAsRoutes = createRouter().openapi(end, async (c) => {
  const actor = consoleUser(c.get('actor'));
  if (!actor.viewAsBy) throw new ApiError(400, 'not_view_as', 'This session is not a view-as session.');
  const token = await endViewAs(c.get('db'), c.env, actor.sessionId);
  if (token) {
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
    });
  } else deleteCookie(c, SESSION_COOKIE, { path: '/' });
  return c.json({ restored: token !== null }, 200);
});
