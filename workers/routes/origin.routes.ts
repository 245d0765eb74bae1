import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { sha256Hex, timingSafeEqual } from '../../core/crypto';
import { createDb } from '../../core/db/client';
import { apps, streams } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import { IMMUTABLE, SEGMENT_TYPE, segmentKey, thumbnailKey, timedThumbnailKey } from '../../core/media-keys';
import { openStreamKey } from '../../core/stream-keys';
import { streamStub } from '../../core/stubs';
import { SEGMENT_SECONDS } from '../../durable-objects/stream/timing';
import type { Refusal } from '../../durable-objects/stream/types';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { effectiveLadder, isRenditionName, isRungName, ladderForOrigin } from '../lib/ladder';
import { sessionMediaKey, toHex } from '../lib/session-key';
import { type OriginEnv, originAuth } from '../middleware/origin-auth';

/** Internal endpoints for media origins (docs/origin-protocol.md); not part of `/v1`. */

const MAX_JSON = 16 * 1024;
const MAX_SEGMENT = 64 * 1024 * 1024;
const MAX_THUMBNAIL = 2 * 1024 * 1024;

type Ctx = Context<OriginEnv>;

async function readJson<T extends z.ZodTypeAny>(c: Ctx, schema: T): Promise<z.infer<T>> {
  const len = Number(c.req.header('content-length') ?? 0);
  if (len > MAX_JSON) throw new ApiError(413, 'payload_too_large', `JSON bodies are limited to ${MAX_JSON} bytes.`);
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('The body is not valid JSON.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw badRequest('The request did not match the schema.', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** The body as bytes, refused above `max` whether or not the sender declared a length. */
async function readBytes(c: Ctx, max: number): Promise<ArrayBuffer> {
  if (Number(c.req.header('content-length') ?? 0) > max)
    throw new ApiError(413, 'payload_too_large', `Bodies are limited to ${max} bytes here.`);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > max) throw new ApiError(413, 'payload_too_large', `Bodies are limited to ${max} bytes here.`);
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

function renditionParam(c: Ctx) {
  const name = c.req.param('name') ?? '';
  if (!isRenditionName(name))
    throw badRequest(`Unknown rendition "${name.slice(0, 20)}"; expected source, 1080p, 720p, 480p, 360p or 240p.`);
  return name;
}

/** 409 tells the agent to stop the pipeline and drop the publisher (protocol). */
function refused(code: Refusal): never {
  if (code === 'unknown_rendition') throw badRequest("This rendition is not in the session's ladder.");
  if (code === 'stream_disabled') throw new ApiError(409, 'stream_disabled', 'The stream is disabled.');
  throw new ApiError(409, 'session_ended', 'This session has ended (or another origin took it over).');
}

const PublishBody = z
  .object({ stream_key: z.string().min(1).max(200), client_ip: z.string().max(100).optional() })
  .strict();

const InputBody = z
  .object({
    video_codec: z.string().min(1).max(50),
    audio_codec: z.string().min(1).max(50).nullable(),
    width: z.number().int().min(1).max(16384),
    height: z.number().int().min(1).max(16384),
    frame_rate: z.number().positive().max(1000),
    bitrate_kbps: z.number().int().min(0).max(1_000_000),
  })
  .strict();

const RenditionBody = z
  .object({
    bandwidth: z.number().int().positive().max(1_000_000_000),
    average_bandwidth: z.number().int().positive().max(1_000_000_000).optional(),
    resolution: z.string().regex(/^\d{1,5}x\d{1,5}$/, 'expected WxH'),
    // Goes into a quoted playlist attribute: letters, digits, dots, commas and dashes only.
    codecs: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9.,\- ]+$/, 'expected codec strings like avc1.64001f,mp4a.40.2'),
    frame_rate: z.number().positive().max(1000),
  })
  .strict();

const forbiddenPublish = (code: string, message: string) => new ApiError(403, code, message);

export const originRoutes = new Hono<OriginEnv>()
  .use('*', originAuth)
  .post('/publish', async (c) => {
    const { stream_key } = await readJson(c, PublishBody);
    const db = createDb(c.env.DB);
    const row = await db.query.streams.findFirst({ where: eq(streams.streamKeyHash, await sha256Hex(stream_key)) });
    // The hash finds the row; the key itself is still compared without an early exit.
    if (!row || !timingSafeEqual(await openStreamKey(c.env, row.streamKey), stream_key))
      throw forbiddenPublish('unknown_stream_key', 'No stream has this key.');
    if (row.disabledAt) throw forbiddenPublish('stream_disabled', 'The stream is disabled.');
    const app = await db.query.apps.findFirst({ where: eq(apps.id, row.appId) });
    if (!app || app.archivedAt) throw forbiddenPublish('app_archived', 'The stream belongs to an archived app.');
    const max = isRungName(app.settings.max_quality) ? app.settings.max_quality : undefined;
    const stub = streamStub(c.env, row.id);
    const res = await stub.publish({
      streamId: row.id,
      appId: row.appId,
      originId: c.get('originId'),
      config: {
        latencyMode: row.latencyMode,
        recording: row.recording,
        encryption: row.encryption,
        reconnectWindowS: row.reconnectWindowS,
        ladder: effectiveLadder(row.ladder.filter(isRenditionName), max),
      },
    });
    if (!res.ok)
      throw forbiddenPublish(
        res.code,
        res.code === 'stream_disabled' ? 'The stream is disabled.' : 'The stream was deleted.',
      );
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
      },
      200,
    );
  })
  .post('/streams/:stream_id/sessions/:session_id/input', async (c) => {
    const { stub } = streamObject(c);
    const sessionId = sessionParam(c);
    const res = await stub.reportInput(sessionId, c.get('originId'), await readJson(c, InputBody));
    if (!res.ok) refused(res.code);
    return c.body(null, 204);
  })
  .put('/streams/:stream_id/sessions/:session_id/renditions/:name/segments/:sequence', async (c) => {
    const { streamId, stub } = streamObject(c);
    const sessionId = sessionParam(c);
    const rendition = renditionParam(c);
    const seqText = c.req.param('sequence');
    if (!/^\d{1,9}$/.test(seqText)) throw badRequest('The sequence must be a non-negative integer.');
    const sequence = Number(seqText);
    const duration = Number(c.req.query('duration'));
    if (!Number.isFinite(duration) || duration <= 0 || duration > 60)
      throw badRequest('?duration= must be the segment length in seconds (0 < d <= 60).');
    const pdtText = c.req.query('pdt');
    const pdt = pdtText === undefined ? Date.now() - duration * 1000 : Date.parse(pdtText);
    if (!Number.isFinite(pdt)) throw badRequest('?pdt= must be an ISO 8601 time.');
    const discText = c.req.query('discontinuity') ?? '0';
    if (!['0', '1', 'true', 'false'].includes(discText)) throw badRequest('?discontinuity= must be 1 or 0.');
    const discontinuity = discText === '1' || discText === 'true';

    const begun = await stub.beginSegment(sessionId, c.get('originId'), rendition, sequence);
    if (!begun.ok) refused(begun.code);
    if (begun.exists) return c.body(null, 200);
    const bytes = await readBytes(c, MAX_SEGMENT);
    await c.env.MEDIA.put(segmentKey(streamId, sessionId, rendition, sequence), bytes, {
      httpMetadata: { contentType: SEGMENT_TYPE, cacheControl: IMMUTABLE },
    });
    // Only after the write completed may the object list the segment.
    const { created } = await stub.commitSegment({
      sessionId,
      rendition,
      sequence,
      duration,
      pdt,
      discontinuity,
      bytes: bytes.byteLength,
    });
    return c.body(null, created ? 201 : 200);
  })
  .put('/streams/:stream_id/sessions/:session_id/renditions/:name', async (c) => {
    const { stub } = streamObject(c);
    const sessionId = sessionParam(c);
    const name = renditionParam(c);
    const res = await stub.reportRendition(sessionId, c.get('originId'), name, await readJson(c, RenditionBody));
    if (!res.ok) refused(res.code);
    return c.body(null, 204);
  })
  .post('/streams/:stream_id/sessions/:session_id/thumbnail', async (c) => {
    const { streamId, stub } = streamObject(c);
    const sessionId = sessionParam(c);
    const bytes = await readBytes(c, MAX_THUMBNAIL);
    const head = new Uint8Array(bytes, 0, Math.min(3, bytes.byteLength));
    if (head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff) throw badRequest('The thumbnail must be a JPEG.');
    const res = await stub.checkOriginSession(sessionId, c.get('originId'));
    if (!res.ok) refused(res.code);
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
    return c.body(null, 204);
  })
  .get('/streams/:stream_id/status', async (c) => {
    const { streamId, stub } = streamObject(c);
    const row = await createDb(c.env.DB).query.streams.findFirst({
      where: eq(streams.id, streamId),
      columns: { id: true },
    });
    if (!row) return c.json({ status: 'deleted', disabled: true }, 200);
    return c.json(await stub.status(), 200);
  });
