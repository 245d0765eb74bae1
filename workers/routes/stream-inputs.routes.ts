import { createRoute, z } from '@hono/zod-openapi';
import { inputThumbnailKey } from '../../core/media-keys';
import { notFound } from '../lib/errors';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { hasPreview, previewUrl } from '../services/input-preview.service';
import {
  createInput,
  deleteInput,
  ensureInputs,
  findInput,
  inputIngest,
  listInputs,
  renderInput,
  renderOne,
  renderProgram,
  switchByApi,
  updateProgram,
} from '../services/stream-inputs.service';
import {
  CreateInputBody,
  InputPreview,
  Program,
  StreamInput,
  SwitchBody,
  UpdateProgramBody,
} from './stream-inputs.schema';

/**
 * Several cameras per stream: inputs (each its own key), the program (which one is on air, and
 * failover) and the cut. Mounted under `/streams` beside simulcast targets (app-resources.ts).
 */
const tags = ['Stream inputs'];
const StreamParam = idParam('stream_id', 'str_123');
const InputParam = StreamParam.extend(idParam('input_id', 'inp_123').shape);
const base = '/{stream_id}/inputs';
const conflict = { 409: json(z.object({}).passthrough(), 'Refused in the current state') };

const list = createRoute({
  method: 'get',
  path: base,
  operationId: 'listStreamInputs',
  tags,
  middleware: [inScope('stream')] as const,
  summary: "A stream's inputs (cameras), newest first; the primary one is the stream's own key",
  request: { params: StreamParam, query: PageQuery },
  responses: { 200: json(pageSchema(StreamInput)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: base,
  operationId: 'createStreamInput',
  tags,
  middleware: [inScope('stream')] as const,
  summary: 'Add an input: another publisher with its own stream key',
  request: { params: StreamParam, ...jsonBody(CreateInputBody) },
  responses: { 201: json(StreamInput), ...commonErrors, ...conflict },
});
const get = createRoute({
  method: 'get',
  path: `${base}/{input_id}`,
  operationId: 'getStreamInput',
  tags,
  middleware: [inScope('stream')] as const,
  summary: 'Get an input: its key, whether it publishes and whether it is on air',
  request: { params: InputParam },
  responses: { 200: json(StreamInput), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: `${base}/{input_id}`,
  operationId: 'deleteStreamInput',
  tags,
  middleware: [inScope('stream')] as const,
  summary: 'Delete an input (not the primary one, not the one on air)',
  request: { params: InputParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors, ...conflict },
});
const thumbnail = createRoute({
  method: 'get',
  path: `${base}/{input_id}/thumbnail.jpg`,
  operationId: 'getStreamInputThumbnail',
  tags,
  middleware: [inScope('stream')] as const,
  summary: 'The latest preview frame of a connected input (what an operator sees before cutting to it)',
  request: { params: InputParam },
  responses: {
    200: { description: 'JPEG', content: { 'image/jpeg': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...commonErrors,
  },
});
const preview = createRoute({
  method: 'get',
  path: `${base}/{input_id}/preview`,
  operationId: 'getStreamInputPreview',
  tags,
  middleware: [inScope('stream')] as const,
  summary: "A signed HLS URL of the input's live preview (its lowest rung), for a player per camera",
  description:
    'The origin sends previews while two or more inputs are connected; until one has arrived (or 20 s after the last), 404.',
  request: { params: InputParam },
  responses: { 200: json(InputPreview), ...commonErrors },
});
const getProgram = createRoute({
  method: 'get',
  path: '/{stream_id}/program',
  operationId: 'getStreamProgram',
  tags,
  middleware: [inScope('stream')] as const,
  summary: 'Which input is on air, and the failover settings',
  request: { params: StreamParam },
  responses: { 200: json(Program), ...commonErrors },
});
const patchProgram = createRoute({
  method: 'patch',
  path: '/{stream_id}/program',
  operationId: 'updateStreamProgram',
  tags,
  middleware: [inScope('stream')] as const,
  summary: 'Turn automatic failover on or off, and how long an on-air input may be gone first',
  request: { params: StreamParam, ...jsonBody(UpdateProgramBody) },
  responses: { 200: json(Program), ...commonErrors },
});
const cut = createRoute({
  method: 'post',
  path: '/{stream_id}/switch',
  operationId: 'switchStreamInput',
  tags,
  middleware: [inScope('stream')] as const,
  summary: 'Put another connected input on air (viewers see the cut within seconds, same session)',
  request: { params: StreamParam, ...jsonBody(SwitchBody) },
  responses: { 200: json(Program), ...commonErrors, ...conflict },
});

export const streamInputRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const { rows, render } = await listInputs(c.get('db'), c.env, c.get('stream'), q);
    return c.json(pageOf(rows, q.limit, render), 200);
  })
  .openapi(create, async (c) => {
    const s = c.get('stream');
    const { row, key } = await createInput(c.get('db'), c.env, s, c.req.valid('json'));
    c.set('audit', {
      action: 'stream_input.create',
      resourceType: 'stream_input',
      resourceId: row.id,
      details: { stream_id: s.id },
    });
    const { program } = await ensureInputs(c.get('db'), s);
    return c.json(renderInput(row, key, program, await inputIngest(c.get('db'), s)), 201);
  })
  .openapi(get, async (c) => {
    const s = c.get('stream');
    const row = await findInput(c.get('db'), s, c.req.valid('param').input_id);
    return c.json(await renderOne(c.get('db'), c.env, s, row), 200);
  })
  .openapi(remove, async (c) => {
    const s = c.get('stream');
    const row = await findInput(c.get('db'), s, c.req.valid('param').input_id);
    c.set('audit', { action: 'stream_input.delete', resourceType: 'stream_input', resourceId: row.id });
    await deleteInput(c.get('db'), s, row);
    return c.body(null, 204);
  })
  .openapi(thumbnail, async (c) => {
    const s = c.get('stream');
    const row = await findInput(c.get('db'), s, c.req.valid('param').input_id);
    const obj = await c.env.MEDIA.get(inputThumbnailKey(s.id, row.id));
    if (!obj) throw notFound('thumbnail');
    return c.body(obj.body, 200, { 'content-type': 'image/jpeg', 'cache-control': 'private, max-age=1' });
  })
  .openapi(preview, async (c) => {
    const row = await findInput(c.get('db'), c.get('stream'), c.req.valid('param').input_id);
    if (!(await hasPreview(c.env.MEDIA, row.id, Date.now()))) throw notFound('preview');
    const origin = new URL(c.req.url).origin;
    return c.json(await previewUrl(c.env.PLAYBACK_GRANT_SECRET, origin, row.id, Math.floor(Date.now() / 1000)), 200);
  })
  .openapi(getProgram, async (c) =>
    c.json(renderProgram((await ensureInputs(c.get('db'), c.get('stream'))).program), 200),
  )
  .openapi(patchProgram, async (c) => {
    const s = c.get('stream');
    c.set('audit', { action: 'stream_program.update', resourceType: 'stream', resourceId: s.id });
    return c.json(renderProgram(await updateProgram(c.get('db'), s, c.req.valid('json'))), 200);
  })
  .openapi(cut, async (c) => {
    const s = c.get('stream');
    const { input_id } = c.req.valid('json');
    c.set('audit', { action: 'stream.switch', resourceType: 'stream', resourceId: s.id, details: { input_id } });
    return c.json(renderProgram(await switchByApi(c.get('db'), c.env, s, input_id)), 200);
  });
