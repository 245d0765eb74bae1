import { createDb } from '../core/db/client';
import type { Env } from '../core/env';
import { deliverPending } from '../core/events';
import { sealLegacySecrets } from '../core/seal-legacy';
import { pruneIdempotencyKeys } from './middleware/idempotency';
import { purgeMedia } from './services/media-purge.service';
import { sweepStorage } from './services/retention.service';
import { sampleStoredBytes } from './services/stored-usage.service';
import { pruneMinuteBuckets } from './services/usage.service';
import { sweepUsageAlerts } from './services/usage-alerts.service';

/**
 * The Cron Trigger (wrangler.jsonc `triggers.crons`, every minute): the events outbox sweeper
 * hands endpoints whatever a failure left undelivered, and rows written before at-rest encryption
 * are sealed a batch at a time, `Idempotency-Key` records past their 24 hours are forgotten, and
 * orgs that used anything lately are checked against their plan's alert thresholds.
 * Storage hygiene (services/retention.service.ts): expired recordings, live-only sessions' media
 * and abandoned uploads are deleted from R2, and deleted apps' media a bounded batch a run. Usage
 * minute buckets older than a week are dropped, and a few apps not sampled this hour have their R2
 * bytes sampled (`stored_byte_hours`).
 */
export async function scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
  ctx.waitUntil(sealLegacySecrets(env).catch((err: unknown) => console.error('sealing legacy secrets failed', err)));
  ctx.waitUntil(sweepUsageAlerts(env).catch((err: unknown) => console.error('usage alert sweep failed', err)));
  ctx.waitUntil(
    pruneIdempotencyKeys(createDb(env.DB)).catch((err: unknown) =>
      console.error('pruning idempotency keys failed', err),
    ),
  );
  ctx.waitUntil(
    sweepStorage(createDb(env.DB), env).catch((err: unknown) => console.error('storage sweep failed', err)),
  );
  ctx.waitUntil(purgeMedia(createDb(env.DB), env).catch((err: unknown) => console.error('media purge failed', err)));
  ctx.waitUntil(
    pruneMinuteBuckets(createDb(env.DB)).catch((err: unknown) => console.error('pruning usage minutes failed', err)),
  );
  ctx.waitUntil(
    sampleStoredBytes(createDb(env.DB), env).catch((err: unknown) => console.error('storage sampling failed', err)),
  );
  await deliverPending(env);
}
