import { eq } from 'drizzle-orm';
import { createDb } from './db/client';
import { webhookEndpoints } from './db/schema/index';
import type { Env } from './env';
import { deliverEvents, eventStatement, newEventRow } from './events';
import { openOptional, openSecret, type SecretBoxEnv, sealSecret } from './secret-box';
import { iso } from './time';

/**
 * What both the API and the endpoint's Durable Object need to know about a webhook endpoint:
 * its row, how it renders, its signing secrets, and the two writes the object makes (failure
 * runs, automatic disabling). The object imports this, never the Worker's services.
 */
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

/** Standard Webhooks secrets: `whsec_` and base64 of 32 random bytes (the spec asks for 24 to 64). */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  let s = '';
  for (const b of crypto.getRandomValues(new Uint8Array(32))) s += String.fromCharCode(b);
  return WEBHOOK_SECRET_PREFIX + btoa(s);
}

/** A secret as D1 stores it: sealed (core/secret-box.ts), so a backup holds no signing secret. */
export const sealWebhookSecret = (env: SecretBoxEnv, secret: string) => sealSecret(env, 'webhook_secret', secret);
export const openWebhookSecret = (env: SecretBoxEnv, stored: string) => openSecret(env, 'webhook_secret', stored);

/** The secrets that sign right now, in plain text: the current one, and the previous one during its overlap. */
export async function activeSecrets(
  env: SecretBoxEnv,
  e: Pick<WebhookEndpointRow, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  now: number,
): Promise<string[]> {
  const out = [await openWebhookSecret(env, e.secret)];
  if (e.previousSecret && (e.previousSecretExpiresAt ?? 0) > now)
    out.push((await openOptional(env, 'webhook_secret', e.previousSecret))!);
  return out;
}

export async function loadEndpoint(env: Env, endpointId: string) {
  return (
    (await createDb(env.DB).query.webhookEndpoints.findFirst({ where: eq(webhookEndpoints.id, endpointId) })) ?? null
  );
}

/** Records the start or the end of an unbroken run of failures, shown as `failing_since`. */
export async function setFailingSince(env: Env, endpointId: string, failingSince: number | null) {
  await createDb(env.DB).update(webhookEndpoints).set({ failingSince }).where(eq(webhookEndpoints.id, endpointId));
}

/**
 * Turns an endpoint off and tells the app (`webhook_endpoint.disabled`, which reaches the app's
 * other endpoints and `GET /v1/events`; the console shows `disabled_reason`), in one batch with
 * the change. Pending deliveries stay queued and go out if the endpoint is enabled again.
 */
export async function disableEndpoint(
  env: Env,
  e: Pick<WebhookEndpointRow, 'id'>,
  reason: DisabledReason,
  now = Date.now(),
) {
  const db = createDb(env.DB);
  const current = await db.query.webhookEndpoints.findFirst({ where: eq(webhookEndpoints.id, e.id) });
  if (!current) return null;
  const row: WebhookEndpointRow = {
    ...current,
    enabled: false,
    disabledReason: reason,
    disabledAt: now,
    updatedAt: now,
  };
  const ev = newEventRow(
    {
      appId: row.appId,
      type: 'webhook_endpoint.disabled',
      objectType: 'webhook_endpoint',
      objectId: row.id,
      data: renderEndpoint(row),
    },
    now,
  );
  await db.batch([
    db
      .update(webhookEndpoints)
      .set({ enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now })
      .where(eq(webhookEndpoints.id, e.id)),
    eventStatement(db, ev),
  ]);
  await deliverEvents(env, [ev]);
  return row;
}
