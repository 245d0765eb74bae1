import { createDb } from '../core/db/client';
import type { Env } from '../core/env';
import { deliverPending } from '../core/events';
import { sealLegacySecrets } from '../core/seal-legacy';
import { pruneIdempotencyKeys } from './middleware/idempotency';

/**
 * The Cron Trigger (wrangler.jsonc `triggers.crons`, every minute): the events outbox sweeper
 * hands endpoints whatever a failure left undelivered, and rows written before at-rest encryption
 * are sealed a batch at a time, and `Idempotency-Key` records past their 24 hours are forgotten.
 */
export async function scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  ctx.waitUntil(sealLegacySecrets(env).catch((err: unknown) => console.error('sealing legacy secrets failed', err)));
  ctx.waitUntil(
    pruneIdempotencyKeys(createDb(env.DB)).catch((err: unknown) =>
      console.error('pruning idempotency keys failed', err),
    ),
  );
  await deliverPending(env);
}
