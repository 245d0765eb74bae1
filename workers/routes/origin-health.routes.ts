import { healthSampleSchema } from '@edgelive/shared/stream-health';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createDb } from '../../core/db/client';
import { streams } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import { streamStub } from '../../core/stubs';
import { SESSION_REFUSALS } from '../../durable-objects/stream/contract';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { createRouter } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import { type OriginEnv, originAuth } from '../middleware/origin-auth';
import { recordHealth } from '../services/stream-health.service';

/**
 * The origin's health samples of a live session (packages/shared/src/stream-health.ts), every
 * ~10 s. Only the origin running the session may report on it. Hidden from the OpenAPI document
 * like the rest of `/internal/origin`.
 */
const MAX_BODY = 4096;

const param = (c: Context<OriginEnv>, name: string, kind: 'stream' | 'streamSession') => {
  const v = c.req.param(name) ?? '';
  if (!isIdOf(kind, v)) throw notFound(name === 'stream_id' ? 'stream' : 'session');
  return v;
};

const router = createRouter<OriginEnv>();
router.use('*', originAuth);

export const originHealthRoutes = router.post(
  '/streams/:stream_id/sessions/:session_id/health',
  bodyLimit({
    maxSize: MAX_BODY,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `Bodies are limited to ${MAX_BODY} bytes here.`);
    },
  }),
  async (c) => {
    const streamId = param(c, 'stream_id', 'stream');
    const sessionId = param(c, 'session_id', 'streamSession');
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw badRequest('The body must be JSON.');
    }
    const parsed = healthSampleSchema.safeParse(raw);
    if (!parsed.success) throw badRequest('Invalid health sample.', parsed.error.issues);
    orThrow(await streamStub(c.env, streamId).checkOriginSession(sessionId, c.get('originId')), SESSION_REFUSALS);
    const db = createDb(c.env.DB);
    const stream = await db.query.streams.findFirst({
      where: eq(streams.id, streamId),
      columns: { id: true, appId: true },
    });
    if (!stream) throw notFound('stream');
    return c.json(await recordHealth(db, c.env, stream, sessionId, parsed.data), 200);
  },
);
