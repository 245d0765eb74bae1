import { and, eq, like, not, or } from 'drizzle-orm';
import { createDb } from './db/client';
import { streams, webhookEndpoints } from './db/schema/index';
import type { Env } from './env';
import { isSealed, SEALED_PREFIX, sealSecret } from './secret-box';

/** Rows sealed per run; the Cron Trigger runs every minute, so a large database is done in hours. */
const BATCH = 100;
const sealedPattern = `${SEALED_PREFIX}%`;

/**
 * The one-off migration of databases from before at-rest encryption: stream keys and webhook
 * secrets stored in plain text are sealed, a batch per run (workers/index.ts `scheduled`). Until a
 * row is sealed everything still reads it (`openSecret` passes plain values through). Each update
 * names the old value, so a key reset meanwhile is never overwritten. Returns how many it sealed.
 */
export async function sealLegacySecrets(env: Env): Promise<number> {
  const db = createDb(env.DB);
  let n = 0;
  const plainStreams = await db
    .select({ id: streams.id, streamKey: streams.streamKey })
    .from(streams)
    .where(not(like(streams.streamKey, sealedPattern)))
    .limit(BATCH);
  for (const s of plainStreams) {
    await db
      .update(streams)
      .set({ streamKey: await sealSecret(env, 'stream_key', s.streamKey) })
      .where(and(eq(streams.id, s.id), eq(streams.streamKey, s.streamKey)));
    n++;
  }
  const plainEndpoints = await db
    .select()
    .from(webhookEndpoints)
    .where(
      or(not(like(webhookEndpoints.secret, sealedPattern)), not(like(webhookEndpoints.previousSecret, sealedPattern))),
    )
    .limit(BATCH);
  for (const e of plainEndpoints) {
    const seal = async (v: string | null) => (v === null || isSealed(v) ? v : sealSecret(env, 'webhook_secret', v));
    await db
      .update(webhookEndpoints)
      .set({ secret: (await seal(e.secret))!, previousSecret: await seal(e.previousSecret) })
      .where(and(eq(webhookEndpoints.id, e.id), eq(webhookEndpoints.secret, e.secret)));
    n++;
  }
  return n;
}
