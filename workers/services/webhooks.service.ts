import type { EventEnvelope } from '@edgelive/shared';
import { matchesAnyPattern } from '@edgelive/shared';
import { and, eq } from 'drizzle-orm';
import { createDb } from '../db/client';
import { type events, webhookEndpoints } from '../db/schema/index';
import type { Env } from '../env';
import { iso } from '../lib/time';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type DisabledReason = NonNullable<WebhookEndpointRow['disabledReason']>;

/** One Durable Object per endpoint: its queue, its retries, its log. */
export const endpointObject = (env: Env, endpointId: string) => env.WEBHOOKS.get(env.WEBHOOKS.idFromName(endpointId));

/** The endpoint as the API returns it: never its secrets. */
export const renderEndpoint = (e: WebhookEndpointRow) => ({
  id: e.id,
  app_id: e.appId,
  url: e.url,
  description: e.description,
  event_types: e.eventTypes,
  enabled: e.enabled,
  disabled_reason: e.disabledReason ?? null,
  disabled_at: iso(e.disabledAt),
  failing_since: iso(e.failingSince),
  previous_secret_expires_at: e.previousSecret ? iso(e.previousSecretExpiresAt) : null,
  created_at: iso(e.createdAt)!,
  updated_at: iso(e.updatedAt)!,
});

export const renderEvent = (r: typeof events.$inferSelect): EventEnvelope => ({
  id: r.id,
  type: r.type as EventEnvelope['type'],
  timestamp: iso(r.createdAt)!,
  app_id: r.appId,
  object: { type: r.objectType, id: r.objectId },
  data: r.data,
});

/** The secrets that sign right now: the current one, and the previous one during its overlap. */
export function activeSecrets(
  e: Pick<WebhookEndpointRow, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  now: number,
): string[] {
  const out = [e.secret];
  if (e.previousSecret && (e.previousSecretExpiresAt ?? 0) > now) out.push(e.previousSecret);
  return out;
}

/**
 * Hands a freshly recorded event to every enabled endpoint of its app that subscribes to its type.
 * Awaited by emitEvent: once it returns, each delivery sits in its endpoint's durable queue.
 */
export async function enqueueEvent(env: Env, row: typeof events.$inferSelect) {
  const endpoints = await createDb(env.DB)
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.appId, row.appId), eq(webhookEndpoints.enabled, true)));
  const envelope = renderEvent(row);
  await Promise.all(
    endpoints
      .filter((e) => matchesAnyPattern(e.eventTypes, row.type))
      .map((e) => endpointObject(env, e.id).enqueue(e.id, envelope, row.objectId)),
  );
}
