import { simulcastReportSchema } from '@edgelive/shared/simulcast';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { createDb } from '../../core/db/client';
import { streams } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import { streamStub } from '../../core/stubs';
import { SESSION_REFUSALS } from '../../durable-objects/stream/contract';
import { badRequest, notFound } from '../lib/errors';
import { createRouter } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import { meter } from '../lib/usage';
import { type OriginEnv, originAuth } from '../middleware/origin-auth';
import { reportTarget, targetsForOrigin } from '../services/simulcast-targets.service';

/**
 * The origin's half of simulcast (packages/shared/src/simulcast.ts): the enabled targets of a live
 * session, with their keys, only to the origin that runs that session; and the status of each
 * push. Hidden from the OpenAPI document like the rest of `/internal/origin`.
 */

const param = (c: Context<OriginEnv>, name: string, kind: 'stream' | 'streamSession' | 'simulcastTarget') => {
  const v = c.req.param(name) ?? '';
  if (!isIdOf(kind, v)) throw notFound(name.replace('_id', ''));
  return v;
};

const router = createRouter<OriginEnv>();
router.use('*', originAuth);

export const originSimulcastRoutes = router
  .get('/streams/:stream_id/sessions/:session_id/simulcast-targets', async (c) => {
    const streamId = param(c, 'stream_id', 'stream');
    const sessionId = param(c, 'session_id', 'streamSession');
    // Keys leave only for the origin running the session now: a stale or foreign origin gets 409.
    orThrow(await streamStub(c.env, streamId).checkOriginSession(sessionId, c.get('originId')), SESSION_REFUSALS);
    return c.json({ targets: await targetsForOrigin(createDb(c.env.DB), c.env, streamId) }, 200);
  })
  .post('/streams/:stream_id/simulcast-targets/:target_id/status', async (c) => {
    const streamId = param(c, 'stream_id', 'stream');
    const targetId = param(c, 'target_id', 'simulcastTarget');
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw badRequest('The body must be JSON.');
    }
    const parsed = simulcastReportSchema.safeParse(raw);
    if (!parsed.success) throw badRequest('Invalid status report.', parsed.error.issues);
    const db = createDb(c.env.DB);
    const stream = await db.query.streams.findFirst({
      where: eq(streams.id, streamId),
      columns: { id: true, appId: true, roomId: true },
    });
    if (!stream) throw notFound('stream');
    // The seconds were pushed whatever becomes of the status (an old revision's, a deleted target's),
    // counted per target (the bucket's dimension) and so per stream.
    const seconds = parsed.data.broadcast_seconds ?? 0;
    meter(c, { appId: stream.appId, streamId, meter: 'simulcast_seconds', dimension: targetId, quantity: seconds });
    // A target deleted meanwhile is fine: the origin stops its push on the next poll.
    await reportTarget(db, c.env, stream, targetId, parsed.data);
    return c.body(null, 204);
  });
