import { originSwitchBodySchema } from '@edgelive/shared/stream-inputs';
import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { createDb } from '../../core/db/client';
import { streamInputs, streams } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import { inputThumbnailKey } from '../../core/media-keys';
import { streamStub } from '../../core/stubs';
import { SESSION_REFUSALS } from '../../durable-objects/stream/contract';
import { badRequest, notFound } from '../lib/errors';
import { createRouter } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import { type OriginEnv, originAuth } from '../middleware/origin-auth';
import { storePreviewSegment } from '../services/input-preview.service';
import { failoverTo, inputDisconnected, programState } from '../services/origin-inputs.service';

/**
 * The origin's half of several inputs per stream (packages/shared/src/stream-inputs.ts), for the
 * origin running the stream's live session only: the program poll, an input's drop, a failover
 * cut and each input's preview frame and preview rung. Hidden from the OpenAPI document like all of `/internal/origin`.
 */

type Ctx = Context<OriginEnv>;
const MAX_THUMBNAIL = 2 * 1024 * 1024;
/** A preview segment is a few seconds of the lowest rung; this is far above any. */
const MAX_PREVIEW_SEGMENT = 8 * 1024 * 1024;

const param = (c: Ctx, name: string, kind: 'stream' | 'streamSession' | 'streamInput') => {
  const v = c.req.param(name) ?? '';
  if (!isIdOf(kind, v)) throw notFound(name.replace('_id', ''));
  return v;
};

/** The stream row, once the origin is shown to run its session now (a stale origin gets 409). */
async function liveStream(c: Ctx) {
  const streamId = param(c, 'stream_id', 'stream');
  const sessionId = param(c, 'session_id', 'streamSession');
  orThrow(await streamStub(c.env, streamId).checkOriginSession(sessionId, c.get('originId')), SESSION_REFUSALS);
  const db = createDb(c.env.DB);
  const stream = await db.query.streams.findFirst({ where: eq(streams.id, streamId) });
  if (!stream) throw notFound('stream');
  return { db, stream };
}

const session = '/streams/:stream_id/sessions/:session_id';
const router = createRouter<OriginEnv>();
router.use('*', originAuth);

export const originInputRoutes = router
  .get(`${session}/program`, async (c) => {
    const { db, stream } = await liveStream(c);
    return c.json(await programState(db, stream), 200);
  })
  .post(`${session}/inputs/:input_id/disconnected`, async (c) => {
    const inputId = param(c, 'input_id', 'streamInput');
    const { db, stream } = await liveStream(c);
    return c.json(await inputDisconnected(db, c.env, stream, inputId, c.get('originId')), 200);
  })
  .post(`${session}/switch`, async (c) => {
    const parsed = originSwitchBodySchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw badRequest('Invalid switch.', parsed.error.issues);
    const { db, stream } = await liveStream(c);
    const state = await failoverTo(db, c.env, stream, parsed.data.input_id, c.get('originId'));
    if (!state) throw notFound('connected input');
    return c.json(state, 200);
  })
  .post(`${session}/inputs/:input_id/thumbnail`, async (c) => {
    const inputId = param(c, 'input_id', 'streamInput');
    const { stream } = await liveStream(c);
    if (Number(c.req.header('content-length') ?? 0) > MAX_THUMBNAIL) throw badRequest('The thumbnail is too large.');
    const bytes = await c.req.arrayBuffer();
    const head = new Uint8Array(bytes, 0, Math.min(3, bytes.byteLength));
    if (bytes.byteLength > MAX_THUMBNAIL || head[0] !== 0xff || head[1] !== 0xd8 || head[2] !== 0xff)
      throw badRequest('The thumbnail must be a JPEG of at most 2 MB.');
    await c.env.MEDIA.put(inputThumbnailKey(stream.id, inputId), bytes, {
      httpMetadata: { contentType: 'image/jpeg' },
    });
    return c.body(null, 204);
  })
  // One finished segment of an input's preview rung (input-preview.service.ts), in order per input.
  .put(`${session}/inputs/:input_id/preview`, async (c) => {
    const inputId = param(c, 'input_id', 'streamInput');
    const local = Number(c.req.query('local'));
    const durationS = Number(c.req.query('duration'));
    if (!Number.isSafeInteger(local) || local < 0) throw badRequest('`local` must be the ladder sequence.');
    if (!(durationS > 0 && durationS <= 60)) throw badRequest('`duration` must be seconds, above 0 and at most 60.');
    const { db, stream } = await liveStream(c);
    const input = await db.query.streamInputs.findFirst({
      where: and(eq(streamInputs.id, inputId), eq(streamInputs.streamId, stream.id)),
    });
    if (!input) throw notFound('input');
    if (Number(c.req.header('content-length') ?? 0) > MAX_PREVIEW_SEGMENT)
      throw badRequest('The segment is too large.');
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength === 0 || bytes.byteLength > MAX_PREVIEW_SEGMENT || new Uint8Array(bytes)[0] !== 0x47)
      throw badRequest('The preview segment must be MPEG-TS of at most 8 MB.');
    await storePreviewSegment(c.env.MEDIA, inputId, local, durationS, bytes);
    return c.body(null, 204);
  });
