import { effectiveLadder, isRenditionName, isRungName } from '@edgelive/shared/ladder';
import { SEGMENT_SECONDS } from '@edgelive/shared/live-timing';
import {
  inputReportSchema,
  ladderForOrigin,
  publishBodySchema,
  renditionReportSchema,
  segmentParamsSchema,
  segmentQuerySchema,
} from '@edgelive/shared/origin-protocol';
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { timingSafeEqual } from '../../core/crypto';
import { createDb } from '../../core/db/client';
import { apps, streams } from '../../core/db/schema/index';
import { emitEvent } from '../../core/events';
import { isIdOf } from '../../core/ids';
import { IMMUTABLE, SEGMENT_TYPE, segmentKey, thumbnailKey, timedThumbnailKey } from '../../core/media-keys';
import { openStreamKey } from '../../core/stream-keys';
import { streamStub } from '../../core/stubs';
import { PUBLISH_REFUSALS, SESSION_REFUSALS } from '../../durable-objects/stream/contract';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { createRouter, jsonBody } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import { sessionMediaKey, toHex } from '../lib/session-key';
import { meterSegment } from '../lib/usage';
import { type OriginEnv, originAuth } from '../middleware/origin-auth';
import { orgIsSuspended } from '../services/org-gate';
import { allInputsGone, inputConnected, joinableSession } from '../services/origin-inputs.service';
import { assertPublishAllowed, lowerRung, storageRefusal } from '../services/plan-limits.service';
import { dropCachedPlaylist } from '../services/playlist-cache';
import { inputKey, resolveInputKey } from '../services/stream-inputs.service';

/**
 * Internal endpoints for media origins (docs/origin-protocol.md); not part of `/v1`, so hidden
 * from the OpenAPI document. Bodies and queries are the schemas of the origin protocol
 * (packages/shared/src/origin-protocol.ts), validated by the one router into the one envelope.
 */

const MAX_JSON = 16 * 1024;
const MAX_SEGMENT = 64 * 1024 * 1024;
const MAX_THUMBNAIL = 2 * 1024 * 1024;

type Ctx = Context<OriginEnv>;

const tooLarge = (max: number) => new ApiError(413, 'payload_too_large', `Bodies are limited to ${max} bytes here.`);

/** JSON bodies are small: refused above the limit before anyone parses them. */
const jsonLimit = bodyLimit({
  maxSize: MAX_JSON,
  onError: () => {
    throw tooLarge(MAX_JSON);
  },
});

/**
 * The agent always says `application/json`; a body without a content type is refused as the bad
 * request it is (rather than skipping validation, or answering 415 to a caller that sent none).
 */
const jsonOnly = createMiddleware<OriginEnv>(async (c, next) => {
  if (!c.req.header('content-type')?.toLowerCase().startsWith('application/json'))
    throw badRequest('The body must be JSON (Content-Type: application/json).');
  await next();
});

/** The body as bytes, refused above `max` whether or not the sender declared a length. */
async function readBytes(c: Ctx, max: number): Promise<ArrayBuffer> {
  if (Number(c.req.header('content-length') ?? 0) > max) throw tooLarge(max);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > max) throw tooLarge(max);
  if (bytes.byteLength === 0) throw badRequest('The body is empty.');
  return bytes;
}

/** The stream object for a path's stream id; a malformed id is a 404 before anything wakes. */
function streamObject(c: Ctx) {
  const streamId = c.req.param('stream_id') ?? '';
  if (!isIdOf('stream', streamId)) throw notFound('stream');
  return { streamId, stub: streamStub(c.env, streamId) };
}

function sessionParam(c: Ctx) {
  const sessionId = c.req.param('session_id') ?? '';
  if (!isIdOf('streamSession', sessionId)) throw notFound('session');
  return sessionId;
}

/** A rendition in a path that is not one of ours is the caller's mistake, not a missing thing. */
function renditionParam(c: Ctx) {
  const name = c.req.param('name') ?? '';
  if (!isRenditionName(name))
    throw badRequest(`Unknown rendition "${name.slice(0, 20)}"; expected source, 1080p, 720p, 480p, 360p or 240p.`);
  return name;
}

const forbiddenPublish = (code: string, message: string) => new ApiError(403, code, message);

const noContent = { 204: { description: 'Done' } };
const session = '/streams/{stream_id}/sessions/{session_id}';
const sessionParams = z.object({ stream_id: z.string(), session_id: z.string() });

const routes = {
  publish: createRoute({
    method: 'post',
    path: '/publish',
    hide: true,
    middleware: [jsonOnly, jsonLimit] as const,
    request: jsonBody(publishBodySchema),
    responses: { 200: { description: 'The session to run' } },
  }),
  input: createRoute({
    method: 'post',
    path: `${session}/input`,
    hide: true,
    middleware: [jsonOnly, jsonLimit] as const,
    request: { params: sessionParams, ...jsonBody(inputReportSchema) },
    responses: noContent,
  }),
  segment: createRoute({
    method: 'put',
    path: `${session}/renditions/{name}/segments/{sequence}`,
    hide: true,
    request: { params: sessionParams.extend(segmentParamsSchema.shape), query: segmentQuerySchema },
    responses: { 200: { description: 'Already stored' }, 201: { description: 'Stored' } },
  }),
  rendition: createRoute({
    method: 'put',
    path: `${session}/renditions/{name}`,
    hide: true,
    middleware: [jsonOnly, jsonLimit] as const,
    request: { params: sessionParams, ...jsonBody(renditionReportSchema) },
    responses: noContent,
  }),
};

const router = createRouter<OriginEnv>();
router.use('*', originAuth);

export const originRoutes = router
  .openapi(routes.publish, async (c) => {
    const { stream_key } = c.req.valid('json');
    const db = createDb(c.env.DB);
    // The stream's own key, or one of its inputs' (several cameras, stream-inputs.service.ts).
    const found = await resolveInputKey(db, stream_key);
    const stored =
      found &&
      (found.input
        ? await inputKey(c.env, found.stream, found.input)
        : await openStreamKey(c.env, found.stream.streamKey));
    // The hash finds the row; the key itself is still compared without an early exit.
    if (!found || !stored || !timingSafeEqual(stored, stream_key))
      throw forbiddenPublish('unknown_stream_key', 'No stream has this key.');
    const row = found.stream;
    if (row.disabledAt) throw forbiddenPublish('stream_disabled', 'The stream is disabled.');
    const app = await db.query.apps.findFirst({ where: eq(apps.id, row.appId) });
    if (!app || app.archivedAt) throw forbiddenPublish('app_archived', 'The stream belongs to an archived app.');
    if (await orgIsSuspended(db, app.orgId)) throw forbiddenPublish('org_suspended', 'The organization is suspended.');
    const planMax = await assertPublishAllowed(db, c.env, row, c.get('originId'));
    // The app's own cap and the plan's `max_quality`, whichever is lower.
    const max = lowerRung(isRungName(app.settings.max_quality) ? app.settings.max_quality : undefined, planMax);
    // Past the plan's recording storage a session still goes live but is not kept: new media is
    // refused, never the broadcast, and nothing stored is deleted (a session already recording,
    // or resuming in its reconnect window, keeps its recording to its end).
    const storageFull = row.recording ? await storageRefusal(db, c.env, row.appId) : null;
    const config = {
      latencyMode: row.latencyMode,
      recording: row.recording && !storageFull,
      encryption: row.encryption,
      reconnectWindowS: row.reconnectWindowS,
      dvrWindowS: row.dvrWindowS,
      maxDurationS: row.maxDurationS,
      ladder: effectiveLadder(row.ladder.filter(isRenditionName), max),
    };
    const stub = streamStub(c.env, row.id);
    const published = await stub.publish({ streamId: row.id, appId: row.appId, originId: c.get('originId'), config });
    // Another input of a stream live on this very origin joins its session instead of taking over.
    const joined =
      !published.ok && published.code === 'stream_live'
        ? await joinableSession(db, stub, row, found.input, c.get('originId'))
        : null;
    const res = joined
      ? { sessionId: joined, resumed: true, nextSequence: 0, config }
      : orThrow(published, PUBLISH_REFUSALS);
    if (storageFull && !res.resumed && !joined) {
      const error = { code: storageFull.code, message: storageFull.message, details: storageFull.details };
      await emitEvent(c.env, {
        appId: row.appId,
        type: 'recording.skipped',
        objectType: 'stream',
        objectId: row.id,
        data: { id: row.id, session_id: res.sessionId, error },
      });
    }
    const inputs = await inputConnected(db, c.env, row, found.input, c.get('originId'), joined !== null);
    return c.json(
      {
        stream_id: row.id,
        session_id: res.sessionId,
        resumed: res.resumed,
        next_sequence: res.nextSequence,
        latency_mode: res.config.latencyMode,
        segment_duration_s: SEGMENT_SECONDS[res.config.latencyMode],
        ladder: ladderForOrigin(res.config.ladder),
        recording: res.config.recording,
        reconnect_window_s: res.config.reconnectWindowS,
        // The session's AES-128 key (the same on a resumed session, new for each new session).
        encryption: res.config.encryption
          ? { method: 'AES-128', key_hex: toHex(await sessionMediaKey(c.env.MEDIA_KEY_SECRET, row.id, res.sessionId)) }
          : null,
        input_id: inputs.inputId,
        joined: joined !== null,
        program_input_id: inputs.programInputId,
      },
      200,
    );
  })
  .openapi(routes.input, async (c) => {
    const { stub } = streamObject(c);
    const sessionId = sessionParam(c);
    orThrow(await stub.reportInput(sessionId, c.get('originId'), c.req.valid('json')), SESSION_REFUSALS);
    return c.body(null, 204);
  })
  .openapi(routes.segment, async (c) => {
    const { streamId, stub } = streamObject(c);
    const sessionId = sessionParam(c);
    const { name: rendition, sequence } = c.req.valid('param');
    const q = c.req.valid('query');
    const pdt = q.pdt === undefined ? Date.now() - q.duration * 1000 : Date.parse(q.pdt);
    const discontinuity = q.discontinuity === '1' || q.discontinuity === 'true';

    const begun = orThrow(await stub.beginSegment(sessionId, c.get('originId'), rendition, sequence), SESSION_REFUSALS);
    if (begun.exists) return c.body(null, 200);
    const bytes = await readBytes(c, MAX_SEGMENT);
    await c.env.MEDIA.put(segmentKey(streamId, sessionId, rendition, sequence), bytes, {
      httpMetadata: { contentType: SEGMENT_TYPE, cacheControl: IMMUTABLE },
      // Delivery meters seconds served from this (workers/services/media-cache.ts).
      customMetadata: { duration: String(q.duration) },
    });
    // Only after the write completed may the object list the segment.
    const { created } = await stub.commitSegment({
      sessionId,
      rendition,
      sequence,
      duration: q.duration,
      pdt,
      discontinuity,
      bytes: bytes.byteLength,
    });
    if (created) await dropCachedPlaylist(c.req.url, streamId, sessionId, rendition);
    if (created && begun.appId) {
      const { appId, primary } = begun;
      meterSegment(c, { appId, streamId, rendition, duration: q.duration, primary, at: pdt });
    }
    return c.body(null, created ? 201 : 200);
  })
  .openapi(routes.rendition, async (c) => {
    const { stub } = streamObject(c);
    const sessionId = sessionParam(c);
    const name = renditionParam(c);
    orThrow(await stub.reportRendition(sessionId, c.get('originId'), name, c.req.valid('json')), SESSION_REFUSALS);
    return c.body(null, 204);
  })
  .post('/streams/:stream_id/sessions/:session_id/thumbnail', async (c) => {
    const { streamId, stub } = streamObject(c);
    const sessionId = sessionParam(c);
    const bytes = await readBytes(c, MAX_THUMBNAIL);
    const head = new Uint8Array(bytes, 0, Math.min(3, bytes.byteLength));
    if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff) throw badRequest('The thumbnail must be a JPEG.');
    const res = orThrow(await stub.checkOriginSession(sessionId, c.get('originId')), SESSION_REFUSALS);
    const jpeg = { httpMetadata: { contentType: 'image/jpeg' } };
    await Promise.all([
      c.env.MEDIA.put(thumbnailKey(streamId), bytes, jpeg),
      c.env.MEDIA.put(timedThumbnailKey(streamId, sessionId, (Date.now() - res.startedAt) / 1000), bytes, jpeg),
    ]);
    return c.body(null, 204);
  })
  .post('/streams/:stream_id/sessions/:session_id/publish-done', async (c) => {
    const { stub } = streamObject(c);
    const sessionId = sessionParam(c);
    await stub.publishDone(sessionId, c.get('originId'));
    // Whatever input this origin still had connected left with the publication.
    await allInputsGone(createDb(c.env.DB), c.env, c.req.param('stream_id') ?? '', c.get('originId'));
    return c.body(null, 204);
  })
  .get('/streams/:stream_id/status', async (c) => {
    const { streamId, stub } = streamObject(c);
    const db = createDb(c.env.DB);
    const row = await db.query.streams.findFirst({ where: eq(streams.id, streamId), columns: { appId: true } });
    if (!row) return c.json({ status: 'deleted', disabled: true }, 200);
    // A suspended org's publishers stop at the origin's next poll (a few seconds), like a disabled stream.
    const app = await db.query.apps.findFirst({ where: eq(apps.id, row.appId), columns: { orgId: true } });
    if (app && (await orgIsSuspended(db, app.orgId))) return c.json({ status: 'disabled', disabled: true }, 200);
    return c.json(await stub.status(), 200);
  });
