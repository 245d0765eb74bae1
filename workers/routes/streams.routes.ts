import type { EventType } from '@edgelive/shared';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Db } from '../../core/db/client';
import { apps, playbackIds, streamSessions, streams } from '../../core/db/schema/index';
import { deliverEvents, emitEvent, eventStatement, newEventRow } from '../../core/events';
import { isIdOf, newId, randomToken } from '../../core/ids';
import { openStreamKey, streamKeyColumns } from '../../core/stream-keys';
import { streamStub } from '../../core/stubs';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { defaultLadder, isRungName, type RenditionName, rungsAboveMax, sortLadder } from '../lib/ladder';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createRouter, idParam, json, jsonBody } from '../lib/router';
import { roleAtLeast } from '../middleware/scope';
import { createRoomFor, deleteRoomFor } from '../services/rooms.service';
import {
  loadStreamView,
  loadStreamViews,
  renderPlaybackId,
  renderSession,
  renderStream,
  type StreamRow,
} from '../services/streams.service';
import {
  CreatePlaybackIdBody,
  CreateStreamBody,
  PlaybackId,
  Stream,
  StreamSession,
  UpdateStreamBody,
} from './streams.schema';

type Ctx = Context<AppEnv>;

/** Stream keys are long random secrets: a fast hash is enough to index them. */
const newStreamKey = () => `lsk_${randomToken(40)}`;

async function findStream(db: Db, appId: string, id: string) {
  const s =
    isIdOf('stream', id) &&
    (await db.query.streams.findFirst({ where: and(eq(streams.id, id), eq(streams.appId, appId)) }));
  if (!s) throw notFound('stream');
  return s;
}

/**
 * Route middleware for writes with a body: another tenant's (or a missing) stream is a 404 before
 * the body is validated, so a probe learns nothing from which error it gets.
 */
const streamExists = createMiddleware<AppEnv>(async (c, next) => {
  await findStream(c.get('db'), c.get('scope').appId!, c.req.param('stream_id') ?? '');
  await next();
});

async function appMaxQuality(c: Ctx) {
  const app = await c.get('db').query.apps.findFirst({ where: eq(apps.id, c.get('scope').appId!) });
  const max = app?.settings.max_quality;
  return isRungName(max) ? max : undefined;
}

/** The per-app ceiling (settings.max_quality) is a contract with the customer: refuse, do not trim. */
async function checkLadder(c: Ctx, ladder: RenditionName[]) {
  const max = await appMaxQuality(c);
  const over = rungsAboveMax(ladder, max);
  if (over.length) {
    throw new ApiError(
      400,
      'quality_above_app_maximum',
      `This app's max_quality is ${max}: ${over.join(', ')} ${over.length > 1 ? 'are' : 'is'} above it` +
        (over.includes('source')
          ? ' (source passes the input through at any resolution, so it cannot be capped).'
          : '.'),
      { max_quality: max, refused: over },
    );
  }
  return sortLadder(ladder);
}

/** The stream as this caller may see it: the key only for roles that could change the stream anyway. */
async function respond(c: Ctx, row: StreamRow) {
  const view = await loadStreamView(c.get('db'), row);
  const mayPublish = roleAtLeast(c.get('scope').role, 'developer');
  return renderStream(view, { streamKey: mayPublish ? await openStreamKey(c.env, row.streamKey) : null });
}

async function emit(c: Ctx, type: EventType, row: StreamRow) {
  const data = renderStream(await loadStreamView(c.get('db'), row), { streamKey: null });
  await emitEvent(c.env, { appId: row.appId, type, objectType: 'stream', objectId: row.id, data });
}

const tags = ['Live streams'];
const StreamParam = idParam('stream_id', 'str_123');
const PlaybackParam = StreamParam.extend(idParam('playback_id', 'pb_123').shape);

const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'List live streams, newest first',
  request: { query: PageQuery.extend({ status: z.enum(['idle', 'active', 'reconnecting', 'disabled']).optional() }) },
  responses: { 200: json(pageSchema(Stream)), ...commonErrors },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Create a live stream (an RTMP stream key and, optionally, playback ids)',
  request: jsonBody(CreateStreamBody),
  responses: { 201: json(Stream), ...commonErrors },
});
const get = createRoute({
  method: 'get',
  path: '/{stream_id}',
  tags,
  summary: 'Get a live stream, its status and current session',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const update = createRoute({
  method: 'patch',
  path: '/{stream_id}',
  tags,
  summary: 'Update a live stream (applies from the next session)',
  middleware: [streamExists] as const,
  request: { params: StreamParam, ...jsonBody(UpdateStreamBody) },
  responses: { 200: json(Stream), ...commonErrors },
});
const remove = createRoute({
  method: 'delete',
  path: '/{stream_id}',
  tags,
  summary: 'Delete a live stream (a live publisher is cut off)',
  request: { params: StreamParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});
const resetKey = createRoute({
  method: 'post',
  path: '/{stream_id}/reset-stream-key',
  tags,
  summary: 'Replace the stream key (the old one stops working for new publishes)',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const disable = createRoute({
  method: 'post',
  path: '/{stream_id}/disable',
  tags,
  summary: 'Refuse publishers; a live session ends now',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const enable = createRoute({
  method: 'post',
  path: '/{stream_id}/enable',
  tags,
  summary: 'Accept publishers again',
  request: { params: StreamParam },
  responses: { 200: json(Stream), ...commonErrors },
});
const sessions = createRoute({
  method: 'get',
  path: '/{stream_id}/sessions',
  tags,
  summary: 'Sessions of a stream (current and past), newest first',
  request: { params: StreamParam, query: PageQuery },
  responses: { 200: json(pageSchema(StreamSession)), ...commonErrors },
});
const listPlayback = createRoute({
  method: 'get',
  path: '/{stream_id}/playback-ids',
  tags,
  summary: 'Playback ids of a stream',
  request: { params: StreamParam },
  responses: { 200: json(z.object({ data: z.array(PlaybackId) })), ...commonErrors },
});
const createPlayback = createRoute({
  method: 'post',
  path: '/{stream_id}/playback-ids',
  tags,
  summary: 'Add a playback id (`public`, or `signed`: viewers need a token)',
  middleware: [streamExists] as const,
  request: { params: StreamParam, ...jsonBody(CreatePlaybackIdBody) },
  responses: { 201: json(PlaybackId), ...commonErrors },
});
const getPlayback = createRoute({
  method: 'get',
  path: '/{stream_id}/playback-ids/{playback_id}',
  tags,
  summary: 'Get a playback id',
  request: { params: PlaybackParam },
  responses: { 200: json(PlaybackId), ...commonErrors },
});
const removePlayback = createRoute({
  method: 'delete',
  path: '/{stream_id}/playback-ids/{playback_id}',
  tags,
  summary: 'Delete a playback id (its URLs stop playing)',
  request: { params: PlaybackParam },
  responses: { 204: { description: 'Deleted' }, ...commonErrors },
});

export const streamRoutes = createRouter()
  .openapi(list, async (c) => {
    const { limit, cursor, status } = c.req.valid('query');
    const page = keyset(streams.createdAt, streams.id, cursor);
    const byStatus =
      status === 'disabled'
        ? sqlIsDisabled(true)
        : status
          ? and(sqlIsDisabled(false), eq(streams.liveStatus, status))
          : undefined;
    const rows = await c
      .get('db')
      .select()
      .from(streams)
      .where(and(eq(streams.appId, c.get('scope').appId!), byStatus, page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    const views = new Map((await loadStreamViews(c.get('db'), rows.slice(0, limit))).map((v) => [v.stream.id, v]));
    return c.json(
      pageOf(rows, limit, (r) => renderStream(views.get(r.id)!, { streamKey: null })),
      200,
    );
  })
  .openapi(create, async (c) => {
    const body = c.req.valid('json');
    const appId = c.get('scope').appId!;
    const ladder = body.ladder ? await checkLadder(c, body.ladder) : defaultLadder(await appMaxQuality(c));
    const key = newStreamKey();
    const t = Date.now();
    const row: StreamRow = {
      id: newId('stream'),
      appId,
      name: body.name ?? 'Live stream',
      ...(await streamKeyColumns(c.env, key)),
      latencyMode: body.latency_mode ?? 'standard',
      recording: body.recording ?? false,
      encryption: body.encryption ?? false,
      reconnectWindowS: body.reconnect_window ?? 60,
      ladder,
      metadata: body.metadata ?? {},
      roomId: null,
      liveStatus: 'idle',
      currentSessionId: null,
      disabledAt: null,
      createdAt: t,
      updatedAt: t,
    };
    // Every stream has a chat room (DESIGN.md); created first so the stream row names it.
    row.roomId = (await createRoomFor(c.env, appId, { kind: 'stream', streamId: row.id, name: row.name })).id;
    const db = c.get('db');
    const pbs = (body.playback_policies ?? []).map((policy, i) => ({
      id: newId('playbackId'),
      streamId: row.id,
      appId,
      policy,
      createdAt: t + i,
    }));
    // The event goes in the same batch (the outbox, core/events.ts): no stream without its event.
    const view = { stream: row, session: null, playbackIds: [...pbs].reverse() };
    const created = newEventRow(
      {
        appId,
        type: 'stream.created',
        objectType: 'stream',
        objectId: row.id,
        data: renderStream(view, { streamKey: null }),
      },
      t,
    );
    await db.batch([
      db.insert(streams).values(row),
      ...pbs.map((p) => db.insert(playbackIds).values(p)),
      eventStatement(db, created),
    ]);
    c.set('audit', { action: 'stream.create', resourceType: 'stream', resourceId: row.id });
    await deliverEvents(c.env, [created]);
    return c.json(await respond(c, row), 201);
  })
  .openapi(get, async (c) =>
    c.json(await respond(c, await findStream(c.get('db'), c.get('scope').appId!, c.req.valid('param').stream_id)), 200),
  )
  .openapi(update, async (c) => {
    const { stream_id } = c.req.valid('param');
    c.set('audit', { action: 'stream.update', resourceType: 'stream', resourceId: stream_id });
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    const body = c.req.valid('json');
    const changes: Partial<StreamRow> = { updatedAt: Date.now() };
    if (body.name !== undefined) changes.name = body.name;
    if (body.latency_mode !== undefined) changes.latencyMode = body.latency_mode;
    if (body.recording !== undefined) changes.recording = body.recording;
    if (body.encryption !== undefined) changes.encryption = body.encryption;
    if (body.reconnect_window !== undefined) changes.reconnectWindowS = body.reconnect_window;
    if (body.ladder !== undefined) changes.ladder = await checkLadder(c, body.ladder);
    if (body.metadata !== undefined) changes.metadata = body.metadata;
    c.set('audit', {
      action: 'stream.update',
      resourceType: 'stream',
      resourceId: s.id,
      details: { fields: Object.keys(body) },
    });
    const [row] = await db.update(streams).set(changes).where(eq(streams.id, s.id)).returning();
    await emit(c, 'stream.updated', row!);
    return c.json(await respond(c, row!), 200);
  })
  .openapi(remove, async (c) => {
    const { stream_id } = c.req.valid('param');
    c.set('audit', { action: 'stream.delete', resourceType: 'stream', resourceId: stream_id });
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    const data = renderStream(await loadStreamView(db, s), { streamKey: null });
    // The object first: from here on its publisher and in-flight segments are refused.
    await streamStub(c.env, s.id).remove();
    await db.delete(streams).where(eq(streams.id, s.id));
    await deleteRoomFor(c.env, s.appId, s.id);
    await emitEvent(c.env, {
      appId: s.appId,
      type: 'stream.deleted',
      objectType: 'stream',
      objectId: s.id,
      data: { ...data, status: 'deleted' },
    });
    return c.body(null, 204);
  })
  .openapi(resetKey, async (c) => {
    const { stream_id } = c.req.valid('param');
    // The audit row names the stream only: the key never reaches a log.
    c.set('audit', { action: 'stream.reset_stream_key', resourceType: 'stream', resourceId: stream_id });
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    const key = newStreamKey();
    const [row] = await db
      .update(streams)
      .set({ ...(await streamKeyColumns(c.env, key)), updatedAt: Date.now() })
      .where(eq(streams.id, s.id))
      .returning();
    await emit(c, 'stream.key_reset', row!);
    return c.json(await respond(c, row!), 200);
  })
  .openapi(disable, async (c) => {
    const { stream_id } = c.req.valid('param');
    c.set('audit', { action: 'stream.disable', resourceType: 'stream', resourceId: stream_id });
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    if (!s.disabledAt)
      await db.update(streams).set({ disabledAt: Date.now(), updatedAt: Date.now() }).where(eq(streams.id, s.id));
    // Ends a live session (and tells the mirror and webhooks) before we answer.
    await streamStub(c.env, s.id).disable(s.id, s.appId);
    const row = await findStream(db, s.appId, s.id);
    if (!s.disabledAt) await emit(c, 'stream.disabled', row);
    return c.json(await respond(c, row), 200);
  })
  .openapi(enable, async (c) => {
    const { stream_id } = c.req.valid('param');
    c.set('audit', { action: 'stream.enable', resourceType: 'stream', resourceId: stream_id });
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    if (!s.disabledAt) return c.json(await respond(c, s), 200);
    await streamStub(c.env, s.id).enable();
    const [row] = await db
      .update(streams)
      .set({ disabledAt: null, updatedAt: Date.now() })
      .where(eq(streams.id, s.id))
      .returning();
    await emit(c, 'stream.updated', row!);
    return c.json(await respond(c, row!), 200);
  })
  .openapi(sessions, async (c) => {
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, c.req.valid('param').stream_id);
    const { limit, cursor } = c.req.valid('query');
    const page = keyset(streamSessions.createdAt, streamSessions.id, cursor);
    const rows = await db
      .select()
      .from(streamSessions)
      .where(and(eq(streamSessions.streamId, s.id), page.where))
      .orderBy(...page.orderBy)
      .limit(limit + 1);
    return c.json(pageOf(rows, limit, renderSession), 200);
  })
  .openapi(listPlayback, async (c) => {
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, c.req.valid('param').stream_id);
    const view = await loadStreamView(db, s);
    return c.json({ data: view.playbackIds.map(renderPlaybackId) }, 200);
  })
  .openapi(createPlayback, async (c) => {
    const { stream_id } = c.req.valid('param');
    c.set('audit', { action: 'playback_id.create', resourceType: 'stream', resourceId: stream_id });
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    const existing = await db.$count(playbackIds, eq(playbackIds.streamId, s.id));
    if (existing >= 10) throw new ApiError(409, 'conflict', 'A stream has at most 10 playback ids; delete one first.');
    const row = {
      id: newId('playbackId'),
      streamId: s.id,
      appId: s.appId,
      policy: c.req.valid('json').policy,
      createdAt: Date.now(),
    };
    await db.insert(playbackIds).values(row);
    c.set('audit', {
      action: 'playback_id.create',
      resourceType: 'playback_id',
      resourceId: row.id,
      details: { stream_id: s.id, policy: row.policy },
    });
    await emit(c, 'stream.updated', s);
    return c.json(renderPlaybackId(row), 201);
  })
  .openapi(getPlayback, async (c) => {
    const { stream_id, playback_id } = c.req.valid('param');
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    const p =
      isIdOf('playbackId', playback_id) &&
      (await db.query.playbackIds.findFirst({
        where: and(eq(playbackIds.id, playback_id), eq(playbackIds.streamId, s.id)),
      }));
    if (!p) throw notFound('playback id');
    return c.json(renderPlaybackId(p), 200);
  })
  .openapi(removePlayback, async (c) => {
    const { stream_id, playback_id } = c.req.valid('param');
    c.set('audit', { action: 'playback_id.delete', resourceType: 'playback_id', resourceId: playback_id });
    const db = c.get('db');
    const s = await findStream(db, c.get('scope').appId!, stream_id);
    const gone = isIdOf('playbackId', playback_id)
      ? await db
          .delete(playbackIds)
          .where(and(eq(playbackIds.id, playback_id), eq(playbackIds.streamId, s.id)))
          .returning()
      : [];
    if (!gone.length) throw notFound('playback id');
    await emit(c, 'stream.updated', s);
    return c.body(null, 204);
  });

function sqlIsDisabled(disabled: boolean) {
  return disabled ? isNotNull(streams.disabledAt) : isNull(streams.disabledAt);
}
