import type { Env } from '../core/env';
import { deliverPending } from '../core/events';
import { sealLegacySecrets } from '../core/seal-legacy';

/**
 * The Cron Trigger (wrangler.jsonc `triggers.crons`, every minute): the events outbox sweeper
 * hands endpoints whatever a failure left undelivered, and rows written before at-rest encryption
 * are sealed a batch at a time.
 */
export async function scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  ctx.waitUntil(sealLegacySecrets(env).catch((err: unknown) => console.error('sealing legacy secrets failed', err)));
  await deliverPending(env);
}
