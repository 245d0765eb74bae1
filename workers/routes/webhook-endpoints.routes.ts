import type { EventEnvelope } from '@edgelive/shared';
import { isValidPattern } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { and, count, eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { webhookStub } from '../../core/stubs';
import { iso } from '../../core/time';
import {
  disableEndpoint,
  newWebhookSecret,
  openWebhookSecret,
  renderEndpoint,
  sealWebhookSecret,
} from '../../core/webhook-endpoints';
import { webhookUrlProblem } from '../../core/webhook-url';
import { ApiError, badRequest, conflict } from '../lib/errors';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { webhookDeliveryRoutes } from './webhook-deliveries.routes';

/** Enough for separate services per event family; more usually means endpoints leaking from tests. */
export const MAX_ENDPOINTS_PER_APP = 20;
export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;
const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

export const WebhookEndpoint = z
  .object({
    id: z.string().openapi({ example: 'we_8dk2Lq' }),
    app_id: z.string(),
    url: z.string(),
    description: z.string(),
    event_types: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z.enum(['manual', 'failing', 'gone']).nullable().openapi({
      description:
        '`failing`: every attempt failed for 5 days; `gone`: the receiver answered 410. Shown in the console.',
    }),
    disabled_at: z.string().nullable(),
    failing_since: z.string().nullable().openapi({ description: 'Start of the current run of failed attempts' }),
    previous_secret_expires_at: z.string().nullable().openapi({ description: 'Until then the old secret signs too' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookEndpoint');
const WithSecret = WebhookEndpoint.extend({
  secret: z
    .string()
    .openapi({ description: '`whsec_...`, shown only now; verify signatures with it (Standard Webhooks).' }),
}).openapi('WebhookEndpointWithSecret');

const EventTypes = z
  .array(
    z
      .string()
      .trim()
      .max(100)
      .refine(isValidPattern, { message: 'Not an event type or pattern from the catalog (docs/events.md).' }),
  )
  .min(1)
  .max(50)
  .transform((a) => [...new Set(a)])
  .openapi({
    example: ['stream.*', 'recording.ready'],
    description: '`*`, exact types, or prefixes such as `stream.*`',
  });
const Fields = z.object({
  url: z.string().trim().min(1).max(2048).openapi({ example: 'https://example.com/webhooks/edgelive' }),
  description: z.string().trim().max(500),
  event_types: EventTypes,
  enabled: z.boolean(),
});
const CreateBody = Fields.partial({ description: true, event_types: true, enabled: true }).strict();
const UpdateBody = Fields.partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'Name at least one field to change.' });

function assertUrl(url: string, env: Env) {
  const problem = webhookUrlProblem(url, env);
  if (problem) throw badRequest(problem, { issues: [{ path: 'url', message: problem }] });
}

const tags = ['Webhook endpoints'];
const EndpointParam = idParam('endpoint_id', 'we_123');

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listWebhookEndpoints',
  summary: 'List webhook endpoints',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(WebhookEndpoint)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  operationId: 'createWebhookEndpoint',
  summary: 'Create a webhook endpoint; its secret is shown once',
  request: jsonBody(CreateBody),
  responses: { 201: json(WithSecret), ...commonErrors, 409: commonErrors[400] },
});
const get = createRoute({
  method: 'get',
  path: '/{endpoint_id}',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'getWebhookEndpoint',
  summary: 'Get a webhook endpoint (without its secret)',
  request: { params: EndpointParam },
  responses: { 200: json(WebhookEndpoint), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{endpoint_id}',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'updateWebhookEndpoint',
  summary: 'Change URL, description, event types, or enable/disable',
  request: { params: EndpointParam, ...jsonBody(UpdateBody) },
  responses: { 200: json(WebhookEndpoint), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{endpoint_id}',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'deleteWebhookEndpoint',
  summary: 'Delete a webhook endpoint and its delivery log',
  request: { params: EndpointParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const rotate = createRoute({
  method: 'post',
  path: '/{endpoint_id}/rotate-secret',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'rotateWebhookEndpointSecret',
  summary: 'Replace the secret; during the overlap both old and new sign every delivery',
  request: {
    params: EndpointParam,
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z
            .object({
              overlap_seconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).default(DEFAULT_OVERLAP_SECONDS),
            })
            .strict(),
        },
      },
    },
  },
  responses: { 200: json(WithSecret), ...commonErrors },
});
const test = createRoute({
  method: 'post',
  path: '/{endpoint_id}/test',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'testWebhookEndpoint',
  summary: 'Send a `webhook_endpoint.test` event to this endpoint only',
  request: { params: EndpointParam },
  responses: {
    202: json(z.object({ delivery_id: z.string(), event_id: z.string() })),
    ...commonErrors,
    409: commonErrors[400],
  },
});

export const webhookEndpointRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = keyset(webhookEndpoints.createdAt, webhookEndpoints.id, cursor);
    const rows = await c
      .get('db')
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.appId, c.get('scope').appId), page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    return c.json(pageOf(rows, limit, renderEndpoint), 200);
  })
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const appId = c.get('scope').appId;
    const db = c.get('db');
    assertUrl(body.url, c.env);
    const [n] = await db.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.appId, appId));
    if ((n?.n ?? 0) >= MAX_ENDPOINTS_PER_APP)
      throw conflict(`An app can have at most ${MAX_ENDPOINTS_PER_APP} webhook endpoints.`);
    const t = Date.now();
    const enabled = body.enabled ?? true;
    const secret = newWebhookSecret();
    const row = {
      id: newId('webhookEndpoint'),
      appId,
      url: body.url,
      description: body.description ?? '',
      eventTypes: body.event_types ?? ['*'],
      enabled,
      disabledReason: enabled ? null : ('manual' as const),
      disabledAt: enabled ? null : t,
      failingSince: null,
      secret: await sealWebhookSecret(c.env, secret),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: t,
      updatedAt: t,
    };
    await db.insert(webhookEndpoints).values(row);
    c.set('audit', {
      action: 'webhook_endpoint.create',
      resourceType: 'webhook_endpoint',
      resourceId: row.id,
      details: { url: row.url },
    });
    return c.json({ ...renderEndpoint(row), secret }, 201);
  })
  .openapi(get, async (c) => c.json(renderEndpoint(c.get('webhookEndpoint')), 200))
  .openapi(update, async (c) => {
    const { endpoint_id } = c.req.valid('param');
    const body = c.req.valid('json');
    c.set('audit', {
      action: 'webhook_endpoint.update',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint_id,
      details: { fields: Object.keys(body) },
    });
    const db = c.get('db');
    const current = c.get('webhookEndpoint');
    if (body.url !== undefined) assertUrl(body.url, c.env);
    const t = Date.now();
    const reenable = body.enabled === true && !current.enabled;
    const [row] = await db
      .update(webhookEndpoints)
      .set({
        url: body.url,
        description: body.description,
        eventTypes: body.event_types,
        updatedAt: t,
        // Enabling starts afresh: the failure run that disabled it is over as far as we know.
        ...(reenable ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null } : {}),
      })
      .where(eq(webhookEndpoints.id, current.id))
      .returning();
    let result = row!;
    if (body.enabled === false && current.enabled)
      result = (await disableEndpoint(c.env, result, 'manual', t)) ?? result;
    if (reenable) await webhookStub(c.env, result.id).resume(result.id);
    return c.json(renderEndpoint(result), 200);
  })
  .openapi(remove, async (c) => {
    const { endpoint_id } = c.req.valid('param');
    c.set('audit', { action: 'webhook_endpoint.delete', resourceType: 'webhook_endpoint', resourceId: endpoint_id });
    const db = c.get('db');
    const e = c.get('webhookEndpoint');
    // D1 first: emitEvent stops queueing for it at once; then the object drops queue and log.
    await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, e.id));
    await webhookStub(c.env, e.id).destroy();
    return c.body(null, 204);
  })
  .openapi(rotate, async (c) => {
    const { endpoint_id } = c.req.valid('param');
    // The body is optional (absent: the default overlap), but one that is there must be JSON.
    const type = c.req.header('content-type');
    if (type && !type.includes('application/json'))
      throw badRequest('Send the body as application/json, or send none.');
    const overlap = type ? c.req.valid('json').overlap_seconds : DEFAULT_OVERLAP_SECONDS;
    c.set('audit', {
      action: 'webhook_endpoint.rotate_secret',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint_id,
      details: { overlap_seconds: overlap },
    });
    const db = c.get('db');
    const e = c.get('webhookEndpoint');
    const t = Date.now();
    const secret = newWebhookSecret();
    const [row] = await db
      .update(webhookEndpoints)
      .set({
        secret: await sealWebhookSecret(c.env, secret),
        // Re-sealed: a row from before encryption is stored sealed from here on.
        previousSecret: overlap > 0 ? await sealWebhookSecret(c.env, await openWebhookSecret(c.env, e.secret)) : null,
        previousSecretExpiresAt: overlap > 0 ? t + overlap * 1000 : null,
        updatedAt: t,
      })
      .where(eq(webhookEndpoints.id, e.id))
      .returning();
    return c.json({ ...renderEndpoint(row!), secret }, 200);
  })
  .openapi(test, async (c) => {
    const { endpoint_id } = c.req.valid('param');
    c.set('audit', { action: 'webhook_endpoint.test', resourceType: 'webhook_endpoint', resourceId: endpoint_id });
    const e = c.get('webhookEndpoint');
    if (!e.enabled)
      throw new ApiError(409, 'endpoint_disabled', 'This endpoint is disabled; enable it to send a test event.');
    const event: EventEnvelope = {
      id: newId('event'),
      type: 'webhook_endpoint.test',
      timestamp: iso(Date.now())!,
      app_id: e.appId,
      object: { type: 'webhook_endpoint', id: e.id },
      data: renderEndpoint(e),
    };
    // No order key: test events need not wait behind anything.
    const d = await webhookStub(c.env, e.id).enqueue(e.id, event, null);
    return c.json({ delivery_id: d.id, event_id: event.id }, 202);
  })
  .route('/', webhookDeliveryRoutes);
