import { createRoute, z } from '@hono/zod-openapi';
import type { Db } from '../../core/db/client';
import type { Env } from '../../core/env';
import { openStreamKey } from '../../core/stream-keys';
import {
  loadStreamView,
  renderPlaybackId,
  renderSession,
  renderStream,
  type StreamView,
} from '../../core/stream-views';
import type { AppScope } from '../env';
import { PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, idParam, json, jsonBody } from '../lib/router';
import { inScope } from '../middleware/in-scope';
import { roleAtLeast } from '../middleware/scope';
import { ingestFor, listOrigins } from '../services/origins.service';
import {
  addPlaybackId,
  createStream,
  deleteStream,
  disableStream,
  enableStream,
  findPlaybackId,
  listSessions,
  listStreams,
  removePlaybackId,
  resetStreamKey,
  updateStream,
} from '../services/streams.service';
import {
  CreatePlaybackIdBody,
  CreateStreamBody,
  PlaybackId,
  Stream,
  StreamSession,
  UpdateStreamBody,
} from './streams.schema';

/**
 * The stream as this caller may see it: the key only for roles that could change the stream
 * anyway, and where to publish it (the origin fleet's choice, origins.service.ts).
 */
const render = async (db: Db, env: Env, scope: AppScope, view: StreamView) => ({
  ...renderStream(view, {
    streamKey: roleAtLeast(scope.role, 'developer') ? await openStreamKey(env, view.stream.streamKey) : null,
  }),
  ingest: ingestFor(await listOrigins(db), liveOrigin(view)),
});

/** The origin of a session still in progress: its publisher reconnects there while it is up. */
const liveOrigin = (view: StreamView) =>
  view.session && view.session.status !== 'ended' ? view.session.originId : null;

const tags = ['Live streams'];
const StreamParam = idParam('stream_id', 'str_123');
const PlaybackParam = StreamParam.extend(idParam('playback_id', 'pb_123').shape);

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  operationId: 'listStreams',
  summary: 'List live streams, newest first',
  request: {
    query: PageQuery.extend({
      status: z.enum(['idle', 'active', 'reconnecting', 'disabled']).optional(),
      channel_id: z.string().max(64).optional().openapi({ description: 'Only the streams on this channel.' }),
    }),
  },
  responses: { 200: json(pageSchema(Stream)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  operationId: 'createStream',
  summary: 'Create a live stream (an RTMP stream key and, optionally, playback ids)',
  request: jsonBody(CreateStreamBody),
  responses: { 201: json(Stream), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{stream_id}',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'getStream',
  summary: 'Get a live stream, its status and current session',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{stream_id}',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'updateStream',
  summary: 'Update a live stream (applies from the next session)',
  request: { params: StreamParam, ...jsonBody(UpdateStreamBody) },
  responses: { 200: json(Stream), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{stream_id}',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'deleteStream',
  summary: 'Delete a live stream (a live publisher is cut off)',
  request: { params: StreamParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const resetKey = createRoute({
  method: 'post',
  path: '/{stream_id}/reset-stream-key',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'resetStreamKey',
  summary: 'Replace the stream key (the old one stops working for new publishes)',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const disable = createRoute({
  method: 'post',
  path: '/{stream_id}/disable',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'disableStream',
  summary: 'Refuse publishers; a live session ends now',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const enable = createRoute({
  method: 'post',
  path: '/{stream_id}/enable',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'enableStream',
  summary: 'Accept publishers again',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const sessions = createRoute({
  method: 'get',
  path: '/{stream_id}/sessions',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'listStreamSessions',
  summary: 'Sessions of a stream (current and past), newest first',
  request: { params: StreamParam, query: PageQuery },
  responses: { 200: json(pageSchema(StreamSession)), ...commonErrors },
});
const listPlayback = createRoute({
  method: 'get',
  path: '/{stream_id}/playback-ids',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'listStreamPlaybackIds',
  summary: 'Playback ids of a stream',
  request: { params: StreamParam },
  responses: { 200: json(z.object({ data: z.array(PlaybackId) })), ...commonErrors },
});
const createPlayback = createRoute({
  method: 'post',
  path: '/{stream_id}/playback-ids',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'createStreamPlaybackId',
  summary: 'Add a playback id (`public`, or `signed`: viewers need a token)',
  request: { params: StreamParam, ...jsonBody(CreatePlaybackIdBody) },
  responses: { 201: json(PlaybackId), ...commonErrors },
});
const getPlayback = createRoute({
  method: 'get',
  path: '/{stream_id}/playback-ids/{playback_id}',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'getStreamPlaybackId',
  summary: 'Get a playback id',
  request: { params: PlaybackParam },
  responses: { 200: json(PlaybackId), ...commonErrors },
});
const removePlayback = createRoute({
  method: 'delete',
  path: '/{stream_id}/playback-ids/{playback_id}',
  tags,
  middleware: [inScope('stream')] as const,
  operationId: 'deleteStreamPlaybackId',
  summary: 'Delete a playback id (its URLs stop playing)',
  request: { params: PlaybackParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const streamRoutes = createAppRouter()
  .openapi(list, async (c) => {
    const q = c.req.valid('query');
    const { rows, viewOf } = await listStreams(c.get('db'), c.get('scope').appId, q);
    const origins = await listOrigins(c.get('db'));
    return c.json(
      pageOf(rows, q.limit, (r) => ({
        ...renderStream(viewOf(r), { streamKey: null }),
        ingest: ingestFor(origins, liveOrigin(viewOf(r))),
      })),
      200,
    );
  })
  .openapi(create, async (c) => {
    const view = await createStream(c.get('db'), c.env, c.get('scope').appId, c.req.valid('json'));
    c.set('audit', { action: 'stream.create', resourceType: 'stream', resourceId: view.stream.id });
    return c.json(await render(c.get('db'), c.env, c.get('scope'), view), 201);
  })
  .openapi(get, async (c) =>
    c.json(await render(c.get('db'), c.env, c.get('scope'), await loadStreamView(c.get('db'), c.get('stream'))), 200),
  )
  .openapi(update, async (c) => {
    const s = c.get('stream');
    const body = c.req.valid('json');
    c.set('audit', {
      action: 'stream.update',
      resourceType: 'stream',
      resourceId: s.id,
      details: { fields: Object.keys(body) },
    });
    return c.json(
      await render(c.get('db'), c.env, c.get('scope'), await updateStream(c.get('db'), c.env, s, body)),
      200,
    );
  })
  .openapi(remove, async (c) => {
    const s = c.get('stream');
    c.set('audit', { action: 'stream.delete', resourceType: 'stream', resourceId: s.id });
    await deleteStream(c.get('db'), c.env, s);
    return c.body(null, 204);
  })
  .openapi(resetKey, async (c) => {
    const s = c.get('stream');
    // The audit row names the stream only: the key never reaches a log.
    c.set('audit', { action: 'stream.reset_stream_key', resourceType: 'stream', resourceId: s.id });
    return c.json(await render(c.get('db'), c.env, c.get('scope'), await resetStreamKey(c.get('db'), c.env, s)), 200);
  })
  .openapi(disable, async (c) => {
    const s = c.get('stream');
    c.set('audit', { action: 'stream.disable', resourceType: 'stream', resourceId: s.id });
    return c.json(await render(c.get('db'), c.env, c.get('scope'), await disableStream(c.get('db'), c.env, s)), 200);
  })
  .openapi(enable, async (c) => {
    const s = c.get('stream');
    c.set('audit', { action: 'stream.enable', resourceType: 'stream', resourceId: s.id });
    return c.json(await render(c.get('db'), c.env, c.get('scope'), await enableStream(c.get('db'), c.env, s)), 200);
  })
  .openapi(sessions, async (c) => {
    const q = c.req.valid('query');
    const rows = await listSessions(c.get('db'), c.get('stream'), q);
    return c.json(pageOf(rows, q.limit, renderSession), 200);
  })
  .openapi(listPlayback, async (c) => {
    const view = await loadStreamView(c.get('db'), c.get('stream'));
    return c.json({ data: view.playbackIds.map(renderPlaybackId) }, 200);
  })
  .openapi(createPlayback, async (c) => {
    const s = c.get('stream');
    c.set('audit', { action: 'playback_id.create', resourceType: 'stream', resourceId: s.id });
    const row = await addPlaybackId(c.get('db'), c.env, s, c.req.valid('json').policy);
    c.set('audit', {
      action: 'playback_id.create',
      resourceType: 'playback_id',
      resourceId: row.id,
      details: { stream_id: s.id, policy: row.policy },
    });
    return c.json(renderPlaybackId(row), 201);
  })
  .openapi(getPlayback, async (c) =>
    c.json(renderPlaybackId(await findPlaybackId(c.get('db'), c.get('stream'), c.req.valid('param').playback_id)), 200),
  )
  .openapi(removePlayback, async (c) => {
    const { playback_id } = c.req.valid('param');
    c.set('audit', { action: 'playback_id.delete', resourceType: 'playback_id', resourceId: playback_id });
    await removePlaybackId(c.get('db'), c.env, c.get('stream'), playback_id);
    return c.body(null, 204);
  });
