import { createRoute } from '@hono/zod-openapi';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import {
  createTarget,
  deleteTarget,
  findTarget,
  listTargets,
  renderTarget,
  updateTarget,
} from '../services/simulcast-targets.service';
import { CreateTargetBody, SimulcastTarget, UpdateTargetBody } from './simulcast-targets.schema';

/**
 * Restreaming a live stream to other RTMP(S) services. Mounted under `/streams` (app-resources.ts):
 * the stream is loaded and scoped once by `inScope('stream')`; a target of another stream answers 404.
 */
const tags = ['Simulcast targets'];
const StreamParam = idParam('stream_id', 'str_123');
const TargetParam = StreamParam.extend(idParam('target_id', 'sim_123').shape);
const base = '/{stream_id}/simulcast-targets';
const conflict = { 409: json(SimulcastTarget.pick({ id: true }).partial(), 'Too many targets on this stream') };

const list = createRoute({
  method: 'get',
  path: base,
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'listSimulcastTargets',
  summary: 'Simulcast targets of a stream, newest first',
  request: { params: StreamParam, query: PageQuery },
  responses: { 200: json(pageSchema(SimulcastTarget)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: base,
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'createSimulcastTarget',
  summary: 'Add a simulcast target (starts within seconds when the stream is live)',
  request: { params: StreamParam, ...jsonBody(CreateTargetBody) },
  responses: { 201: json(SimulcastTarget), ...commonErrors, ...conflict },
});
const get = createRoute({
  method: 'get',
  path: `${base}/{target_id}`,
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'getSimulcastTarget',
  summary: 'Get a simulcast target and its status',
  request: { params: TargetParam },
  responses: { 200: json(SimulcastTarget), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: `${base}/{target_id}`,
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'updateSimulcastTarget',
  summary: 'Change a target (name, url, key, enabled), also while live',
  request: { params: TargetParam, ...jsonBody(UpdateTargetBody) },
  responses: { 200: json(SimulcastTarget), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: `${base}/{target_id}`,
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'deleteSimulcastTarget',
  summary: 'Delete a target (a live push to it stops)',
  request: { params: TargetParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const simulcastTargetRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    return c.json(pageOf(await listTargets(c.get('db'), c.get('stream'), q), q.limit, renderTarget), 200);
  })
  .openapi(create, async (c) => {
    const s = c.get('stream');
    const row = await createTarget(c.get('db'), c.env, s, c.req.valid('json'));
    c.set('audit', {
      action: 'simulcast_target.create',
      resourceType: 'simulcast_target',
      resourceId: row.id,
      details: { stream_id: s.id },
    });
    return c.json(renderTarget(row), 201);
  })
  .openapi(get, async (c) =>
    c.json(renderTarget(await findTarget(c.get('db'), c.get('stream'), c.req.valid('param').target_id)), 200),
  )
  .openapi(update, async (c) => {
    const row = await findTarget(c.get('db'), c.get('stream'), c.req.valid('param').target_id);
    const body = c.req.valid('json');
    // The audit row names the fields, never the key.
    c.set('audit', {
      action: 'simulcast_target.update',
      resourceType: 'simulcast_target',
      resourceId: row.id,
      details: { fields: Object.keys(body) },
    });
    return c.json(renderTarget(await updateTarget(c.get('db'), c.env, row, body)), 200);
  })
  .openapi(remove, async (c) => {
    const row = await findTarget(c.get('db'), c.get('stream'), c.req.valid('param').target_id);
    c.set('audit', { action: 'simulcast_target.delete', resourceType: 'simulcast_target', resourceId: row.id });
    await deleteTarget(c.get('db'), c.env, row);
    return c.body(null, 204);
  });
