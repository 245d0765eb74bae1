import { and, eq } from 'drizzle-orm';
import { createDb, type Db } from '../../core/db/client';
import { webhookEndpoints } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { isIdOf } from '../../core/ids';
import { notFound } from '../lib/errors';
import { type DisabledReason, renderEndpoint, type WebhookEndpointRow } from './webhooks.service';

/**
 * Turns an endpoint off and tells the app (`webhook_endpoint.disabled`, which reaches the app's
 * other endpoints and `GET /v1/events`; the console shows `disabled_reason`). Pending deliveries
 * stay queued and go out if the endpoint is enabled again.
 */
export async function disableEndpoint(env: Env, e: WebhookEndpointRow, reason: DisabledReason, now = Date.now()) {
  const [row] = await createDb(env.DB)
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now })
    .where(eq(webhookEndpoints.id, e.id))
    .returning();
  if (!row) return null;
  await emitEvent(env, {
    appId: row.appId,
    type: 'webhook_endpoint.disabled',
    objectType: 'webhook_endpoint',
    objectId: row.id,
    data: renderEndpoint(row),
  });
  return row;
}

/** Records the start or the end of an unbroken run of failures, shown as `failing_since`. */
export async function setFailingSince(env: Env, endpointId: string, failingSince: number | null) {
  await createDb(env.DB).update(webhookEndpoints).set({ failingSince }).where(eq(webhookEndpoints.id, endpointId));
}

export async function loadEndpoint(env: Env, endpointId: string) {
  return (
    (await createDb(env.DB).query.webhookEndpoints.findFirst({ where: eq(webhookEndpoints.id, endpointId) })) ?? null
  );
}

/** The endpoint if it belongs to the app; another app's id is indistinguishable from a missing one. */
export async function findEndpoint(db: Db, appId: string, endpointId: string) {
  const e =
    isIdOf('webhookEndpoint', endpointId) &&
    (await db.query.webhookEndpoints.findFirst({
      where: and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.appId, appId)),
    }));
  if (!e) throw notFound('webhook endpoint');
  return e;
}
