import { createRoute, z } from '@hono/zod-openapi';
import { renderStream } from '../../core/stream-views';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { uploadTicket } from '../services/channel-images.service';
import {
  attachStream,
  createChannel,
  deleteChannel,
  detachStream,
  listChannels,
  updateChannel,
} from '../services/channels.service';
import { findStream, listStreams } from '../services/streams.service';
import {
  Channel,
  ChannelParam,
  CreateChannelBody,
  ImageBody,
  ImageUpload,
  renderChannel,
  UpdateChannelBody,
} from './channels.schema';
import { Stream } from './streams.schema';

const tags = ['Channels'];
// Routes naming a channel load it with `inScope('channel')` (another app's id is a 404) before the
// body is validated; handlers read `c.get('channel')`.
const StreamParam = ChannelParam.merge(idParam('stream_id', 'str_123'));
const conflictError = { 409: commonErrors[400] };

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listChannels',
  summary: 'List channels',
  request: { query: PageQuery.extend({ visibility: z.enum(['public', 'unlisted']).optional() }) },
  responses: { 200: json(pageSchema(Channel)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  operationId: 'createChannel',
  summary: 'Create a channel (one of your creators or events); its slug is unique in the app',
  request: jsonBody(CreateChannelBody),
  responses: { 201: json(Channel), ...commonErrors, ...conflictError },
});
const get = createRoute({
  method: 'get',
  path: '/{channel_id}',
  middleware: [inScope('channel')] as const,
  tags,
  operationId: 'getChannel',
  summary: 'Get a channel',
  request: { params: ChannelParam },
  responses: { 200: json(Channel), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{channel_id}',
  middleware: [inScope('channel')] as const,
  tags,
  operationId: 'updateChannel',
  summary: 'Change a channel’s profile',
  request: { params: ChannelParam, ...jsonBody(UpdateChannelBody) },
  responses: { 200: json(Channel), ...commonErrors, ...conflictError },
});
const remove = createRoute({
  method: 'delete',
  path: '/{channel_id}',
  middleware: [inScope('channel')] as const,
  tags,
  operationId: 'deleteChannel',
  summary: 'Delete a channel (its streams stay, without a channel)',
  request: { params: ChannelParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const images = createRoute({
  method: 'post',
  path: '/{channel_id}/images',
  middleware: [inScope('channel')] as const,
  tags,
  operationId: 'createChannelImageUpload',
  summary: 'Get a signed URL to PUT an avatar or banner (PNG, JPEG or WebP) straight into storage',
  request: { params: ChannelParam, ...jsonBody(ImageBody) },
  responses: { 201: json(ImageUpload), ...commonErrors },
});
const streamsOf = createRoute({
  method: 'get',
  path: '/{channel_id}/streams',
  middleware: [inScope('channel')] as const,
  operationId: 'listChannelStreams',
  tags,
  summary: 'The streams on this channel, newest first (without stream keys)',
  request: { params: ChannelParam, query: PageQuery },
  responses: { 200: json(pageSchema(Stream)), ...commonErrors },
});
const attach = createRoute({
  method: 'put',
  path: '/{channel_id}/streams/{stream_id}',
  middleware: [inScope('channel')] as const,
  tags,
  operationId: 'addChannelStream',
  summary: 'Put a stream on this channel (its watch page shows it live and its recordings)',
  request: { params: StreamParam },
  responses: { 204: { description: 'Attached' }, ...commonErrors },
});
const detach = createRoute({
  method: 'delete',
  path: '/{channel_id}/streams/{stream_id}',
  middleware: [inScope('channel')] as const,
  tags,
  operationId: 'removeChannelStream',
  summary: 'Take a stream off this channel',
  request: { params: StreamParam },
  responses: { 204: { description: 'Detached' }, ...commonErrors },
});

const baseOf = (url: string) => new URL(url).origin;

export const channelRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const base = baseOf(c.req.url);
    const rows = await listChannels(c.get('db'), c.get('scope').appId, q);
    return c.json(
      pageOf(rows, q.limit, (r) => renderChannel(r, base)),
      200,
    );
  })
  .openapi(create, async (c) => {
    const row = await createChannel(c.get('db'), c.get('scope').appId, c.req.valid('json'));
    c.set('audit', { action: 'channel.create', resourceType: 'channel', resourceId: row.id });
    return c.json(renderChannel(row, baseOf(c.req.url)), 201);
  })
  .openapi(get, async (c) => {
    const row = c.get('channel');
    return c.json(renderChannel(row, baseOf(c.req.url)), 200);
  })
  .openapi(update, async (c) => {
    const db = c.get('db');
    const row = c.get('channel');
    c.set('audit', { action: 'channel.update', resourceType: 'channel', resourceId: row.id });
    return c.json(renderChannel(await updateChannel(db, row, c.req.valid('json')), baseOf(c.req.url)), 200);
  })
  .openapi(remove, async (c) => {
    const db = c.get('db');
    const row = c.get('channel');
    c.set('audit', { action: 'channel.delete', resourceType: 'channel', resourceId: row.id });
    await deleteChannel(db, row);
    return c.body(null, 204);
  })
  .openapi(images, async (c) => {
    const row = c.get('channel');
    const { kind } = c.req.valid('json');
    c.set('audit', { action: 'channel.image_upload', resourceType: 'channel', resourceId: row.id, details: { kind } });
    return c.json(await uploadTicket(c.env, baseOf(c.req.url), row, kind), 201);
  })
  .openapi(streamsOf, async (c) => {
    const q = c.req.valid('query');
    const { rows, viewOf } = await listStreams(c.get('db'), c.get('scope').appId, {
      ...q,
      channel_id: c.get('channel').id,
    });
    return c.json(
      pageOf(rows, q.limit, (r) => renderStream(viewOf(r), { streamKey: null })),
      200,
    );
  })
  .openapi(attach, async (c) => {
    const db = c.get('db');
    const { stream_id } = c.req.valid('param');
    const appId = c.get('scope').appId;
    const row = c.get('channel');
    const stream = await findStream(db, appId, stream_id);
    c.set('audit', { action: 'channel.attach_stream', resourceType: 'channel', resourceId: row.id });
    await attachStream(db, c.env, row, stream.id);
    return c.body(null, 204);
  })
  .openapi(detach, async (c) => {
    const db = c.get('db');
    const { stream_id } = c.req.valid('param');
    const row = c.get('channel');
    c.set('audit', { action: 'channel.detach_stream', resourceType: 'channel', resourceId: row.id });
    await detachStream(db, row, stream_id);
    return c.body(null, 204);
  });
