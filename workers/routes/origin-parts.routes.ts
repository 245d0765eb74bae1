import { partParamsSchema, partQuerySchema } from '@edgelive/shared/origin-protocol';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { isIdOf } from '../../core/ids';
import { IMMUTABLE, partKey, SEGMENT_TYPE } from '../../core/media-keys';
import { streamStub } from '../../core/stubs';
import { SESSION_REFUSALS } from '../../durable-objects/stream/contract';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { createRouter } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import { type OriginEnv, originAuth } from '../middleware/origin-auth';
import { dropCachedPlaylist } from '../services/playlist-cache';

/**
 * LL-HLS parts from the origin (`low` mode, docs/origin-protocol.md): a third of a segment each,
 * uploaded the moment FFmpeg writes it, before its segment is complete. The part goes to R2 under
 * an immutable key beside its segment, then the stream object lists it and answers the blocking
 * reloads waiting for it. Unlike segments there is no retry queue behind a part: a lost one only
 * shortens that segment's list of parts, and the segment itself arrives through the queue.
 */
const MAX_PART = 16 * 1024 * 1024;

const param = (c: Context<OriginEnv>, name: string, kind: 'stream' | 'streamSession') => {
  const v = c.req.param(name) ?? '';
  if (!isIdOf(kind, v)) throw notFound(name === 'stream_id' ? 'stream' : 'session');
  return v;
};

const route = createRoute({
  method: 'put',
  path: '/streams/{stream_id}/sessions/{session_id}/renditions/{name}/segments/{sequence}/parts/{part}',
  hide: true,
  request: {
    params: z.object({ stream_id: z.string(), session_id: z.string() }).extend(partParamsSchema.shape),
    query: partQuerySchema,
  },
  responses: { 200: { description: 'Already stored' }, 201: { description: 'Stored' } },
});

const router = createRouter<OriginEnv>();
router.use('*', originAuth);

export const originPartRoutes = router.openapi(route, async (c) => {
  const streamId = param(c, 'stream_id', 'stream');
  const sessionId = param(c, 'session_id', 'streamSession');
  const { name: rendition, sequence, part } = c.req.valid('param');
  const q = c.req.valid('query');
  if (Number(c.req.header('content-length') ?? 0) > MAX_PART)
    throw new ApiError(413, 'payload_too_large', `Parts are limited to ${MAX_PART} bytes.`);
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength === 0) throw badRequest('The body is empty.');
  if (bytes.byteLength > MAX_PART)
    throw new ApiError(413, 'payload_too_large', `Parts are limited to ${MAX_PART} bytes.`);
  const stub = streamStub(c.env, streamId);
  await c.env.MEDIA.put(partKey(streamId, sessionId, rendition, sequence, part), bytes, {
    httpMetadata: { contentType: SEGMENT_TYPE, cacheControl: IMMUTABLE },
    customMetadata: { duration: String(q.duration) },
  });
  // Only after the write may a playlist name the part (the object checks the session is ours).
  const { created } = orThrow(
    await stub.commitPart(c.get('originId'), {
      sessionId,
      rendition,
      sequence,
      part,
      duration: q.duration,
      independent: q.independent === '1',
      discontinuity: q.discontinuity === '1',
    }),
    SESSION_REFUSALS,
  );
  if (created) await dropCachedPlaylist(c.req.url, streamId, sessionId, rendition);
  return c.body(null, created ? 201 : 200);
});
