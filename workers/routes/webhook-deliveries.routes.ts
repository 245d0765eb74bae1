import { createRoute, z } from '@hono/zod-openapi';
import { isIdOf } from '../../core/ids';
import { webhookStub } from '../../core/stubs';
import { WEBHOOK_REFUSALS } from '../../durable-objects/webhook-endpoint/contract';
import { notFound } from '../lib/errors';
import { decodeCursor, encodeCursor, PageQuery } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import { inScope } from '../middleware/in-scope';
import { EventSchema } from './events.schema';

const Attempt = z
  .object({
    delivery_id: z.string(),
    event_id: z.string(),
    attempt: z.number().int(),
    started_at: z.string(),
    duration_ms: z.number().int(),
    status_code: z.number().int().nullable(),
    error: z.string().nullable().openapi({ description: 'Timeout, connection error, or `HTTP <status>`' }),
    response_body: z.string().nullable().openapi({ description: "The receiver's answer, first 1 KB" }),
    next_retry_at: z.string().nullable(),
  })
  .openapi('WebhookAttempt');
const Delivery = z
  .object({
    id: z.string().openapi({ example: 'dlv_2kd9' }),
    endpoint_id: z.string(),
    event_id: z.string().openapi({ description: 'Also the `webhook-id` header: the same on every attempt' }),
    event_type: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempt_count: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('WebhookDelivery');
const DeliveryDetail = Delivery.extend({ payload: EventSchema, attempts: z.array(Attempt) }).openapi(
  'WebhookDeliveryDetail',
);

const EndpointParam = idParam('endpoint_id', 'we_123');
const DeliveryParam = EndpointParam.merge(idParam('delivery_id', 'dlv_123'));
const tags = ['Webhook deliveries'];

/** The object pages by its own sequence numbers; we wrap them in the API's opaque cursor. */
const seqFrom = (cursor: string | undefined) => (cursor ? decodeCursor(cursor).t : undefined);
const cursorOf = (seq: number | null) => (seq === null ? null : encodeCursor({ t: seq, id: '' }));

const listDeliveries = createRoute({
  method: 'get',
  path: '/{endpoint_id}/deliveries',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'listWebhookDeliveries',
  summary: 'Delivery log of an endpoint, newest first',
  request: {
    params: EndpointParam,
    query: PageQuery.extend({
      status: z.enum(['pending', 'succeeded', 'failed']).optional(),
      event_id: z.string().max(64).optional(),
    }),
  },
  responses: { 200: json(z.object({ data: z.array(Delivery), next_cursor: z.string().nullable() })), ...commonErrors },
});
const getDelivery = createRoute({
  method: 'get',
  path: '/{endpoint_id}/deliveries/{delivery_id}',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'getWebhookDelivery',
  summary: 'A delivery with its payload and every attempt',
  request: { params: DeliveryParam },
  responses: { 200: json(DeliveryDetail), ...commonErrors },
});
const listAttempts = createRoute({
  method: 'get',
  path: '/{endpoint_id}/attempts',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'listWebhookAttempts',
  summary: 'Every attempt to an endpoint, newest first',
  request: { params: EndpointParam, query: PageQuery },
  responses: { 200: json(z.object({ data: z.array(Attempt), next_cursor: z.string().nullable() })), ...commonErrors },
});
const redeliver = createRoute({
  method: 'post',
  path: '/{endpoint_id}/deliveries/{delivery_id}/redeliver',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'redeliverWebhookDelivery',
  summary: 'Send a delivery again (same event id, fresh retry schedule)',
  request: { params: DeliveryParam },
  responses: { 202: json(z.object({ delivery_id: z.string() })), ...commonErrors, 409: commonErrors[400] },
});
const redeliverFailed = createRoute({
  method: 'post',
  path: '/{endpoint_id}/redeliver',
  tags,
  middleware: [inScope('webhookEndpoint')] as const,
  operationId: 'redeliverFailedWebhookDeliveries',
  summary: 'Send again every failed delivery created in a time range',
  request: {
    params: EndpointParam,
    ...jsonBody(z.object({ since: z.iso.datetime(), until: z.iso.datetime().optional() }).strict()),
  },
  responses: { 202: json(z.object({ redelivered: z.number().int() })), ...commonErrors },
});

export const webhookDeliveryRoutes = createAppRouter()
  .openapi(listDeliveries, async (c) => {
    const q = c.req.valid('query');
    const e = c.get('webhookEndpoint');
    const page = await webhookStub(c.env, e.id).listDeliveries(e.id, {
      status: q.status,
      eventId: q.event_id,
      beforeSeq: seqFrom(q.cursor),
      limit: q.limit,
    });
    return c.json({ data: page.data, next_cursor: cursorOf(page.next_seq) }, 200);
  })
  .openapi(getDelivery, async (c) => {
    const { delivery_id } = c.req.valid('param');
    const e = c.get('webhookEndpoint');
    if (!isIdOf('delivery', delivery_id)) throw notFound('delivery');
    const { delivery } = orThrow(await webhookStub(c.env, e.id).getDelivery(e.id, delivery_id), WEBHOOK_REFUSALS);
    return c.json(delivery, 200);
  })
  .openapi(listAttempts, async (c) => {
    const q = c.req.valid('query');
    const e = c.get('webhookEndpoint');
    const page = await webhookStub(c.env, e.id).listAttempts({ beforeId: seqFrom(q.cursor), limit: q.limit });
    return c.json({ data: page.data, next_cursor: cursorOf(page.next_id) }, 200);
  })
  .openapi(redeliver, async (c) => {
    const { delivery_id } = c.req.valid('param');
    c.set('audit', { action: 'webhook_delivery.redeliver', resourceType: 'webhook_delivery', resourceId: delivery_id });
    const e = c.get('webhookEndpoint');
    if (!isIdOf('delivery', delivery_id)) throw notFound('delivery');
    orThrow(await webhookStub(c.env, e.id).redeliver(delivery_id), WEBHOOK_REFUSALS);
    return c.json({ delivery_id }, 202);
  })
  .openapi(redeliverFailed, async (c) => {
    const { endpoint_id } = c.req.valid('param');
    const { since, until } = c.req.valid('json');
    c.set('audit', {
      action: 'webhook_endpoint.redeliver_failed',
      resourceType: 'webhook_endpoint',
      resourceId: endpoint_id,
      details: { since, until },
    });
    const e = c.get('webhookEndpoint');
    const n = await webhookStub(c.env, e.id).redeliverFailed(Date.parse(since), until ? Date.parse(until) : Date.now());
    return c.json({ redelivered: n }, 202);
  });
