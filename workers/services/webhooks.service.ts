import type { EventEnvelope } from '@edgelive/shared';
import { matchesAnyPattern } from '@edgelive/shared';
import { and, eq } from 'drizzle-orm';
import { createDb } from '../../core/db/client';
import type { events, webhookEndpoints } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { iso } from '../../core/time';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type DisabledReason = NonNullable<WebhookEndpointRow['disabledReason']>;

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

/** The secrets that sign right now: the current one, and the previous one during its overlap. */
export function activeSecrets(
  e: Pick<WebhookEndpointRow, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  now: number,
): string[] {
  const out = [e.secret];
  if (e.previousSecret && (e.previousSecretExpiresAt ?? 0) > now) out.push(e.previousSecret);
  return out;
}
