import { and, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { webhookEndpoints } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import { notFound } from '../lib/errors';

/** What the object shares with the API (row, render, disabling) lives in core/webhook-endpoints.ts. */

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
