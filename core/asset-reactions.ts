import { and, eq } from 'drizzle-orm';
import { requestMp4 } from './asset-downloads';
import { type AssetRow, loadAssetView, renderAsset } from './asset-views';
import { createDb } from './db/client';
import { assetPlaybackIds, assets, playbackIds, streamSessions, streams } from './db/schema/index';
import type { Env } from './env';
import { emitEvent } from './events';
import { newId } from './ids';
import type { ReactionLedger, RecordingResult, StreamIds } from './stream-reactions';

/**
 * A recorded live session becomes an asset (issue 14): created `preparing` when the session
 * starts, `ready` (or `errored` when nothing was recorded) when it ends. Called from the stream's
 * reactions (core/stream-reactions.ts) under the same ledger, so a retry finishes what a failure
 * left half done and never makes a second asset (one per session: `assets_session` is unique).
 */

/** The session's asset, made if it does not exist yet, with a playback id per policy of the stream's. */
async function ensureSessionAsset(env: Env, ids: StreamIds): Promise<AssetRow> {
  const db = createDb(env.DB);
  const existing = await db.query.assets.findFirst({ where: eq(assets.sessionId, ids.sessionId) });
  if (existing) return existing;
  const pbs = await db
    .select({ policy: playbackIds.policy })
    .from(playbackIds)
    .where(eq(playbackIds.streamId, ids.streamId));
  const policies = [...new Set(pbs.map((p) => p.policy))];
  const stream = await db.query.streams.findFirst({ where: eq(streams.id, ids.streamId) });
  const now = Date.now();
  const id = newId('asset');
  await db.batch([
    db
      .insert(assets)
      .values({
        id,
        appId: ids.appId,
        streamId: ids.streamId,
        sessionId: ids.sessionId,
        source: 'live_session',
        status: 'preparing',
        renditions: [],
        metadata: {},
        mp4Support: stream?.mp4Support ?? 'none',
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing(),
    ...policies.map((policy) =>
      db
        .insert(assetPlaybackIds)
        .values({ id: newId('playbackId'), assetId: id, appId: ids.appId, policy, createdAt: now }),
    ),
  ]);
  const row = await db.query.assets.findFirst({ where: eq(assets.sessionId, ids.sessionId) });
  if (!row) throw new Error(`asset of session ${ids.sessionId} not written`);
  return row;
}

async function emitAsset(env: Env, type: 'asset.created' | 'asset.ready' | 'asset.errored', row: AssetRow) {
  const data = renderAsset(await loadAssetView(createDb(env.DB), row));
  await emitEvent(env, { appId: row.appId, type, objectType: 'asset', objectId: row.id, data });
}

export async function sessionAssetStarted(env: Env, ids: StreamIds, ledger: ReactionLedger): Promise<void> {
  const id = await ledger.once('asset', async () => (await ensureSessionAsset(env, ids)).id);
  await ledger.once('event:asset.created', async () => {
    const row = await createDb(env.DB).query.assets.findFirst({ where: eq(assets.id, id) });
    // Deleted before the event went out: nothing is left to announce.
    if (row) await emitAsset(env, 'asset.created', row);
    return true;
  });
}

/** Marks the session's asset ready with the recording's duration and renditions; returns its id. */
export async function sessionAssetEnded(
  env: Env,
  ids: StreamIds,
  recording: RecordingResult,
  ledger: ReactionLedger,
): Promise<string | null> {
  const db = createDb(env.DB);
  const id = await ledger.once('asset:end', async () => {
    const asset = await ensureSessionAsset(env, ids);
    const session = await db.query.streamSessions.findFirst({ where: eq(streamSessions.id, ids.sessionId) });
    const ready = recording.renditions.length > 0;
    const now = Date.now();
    await db
      .update(assets)
      .set({
        status: ready ? 'ready' : 'errored',
        errorReason: ready ? null : 'no_media: the session ended before any segment was recorded',
        durationS: recording.durationS,
        renditions: recording.renditions,
        resolution: session?.width && session.height ? `${session.width}x${session.height}` : null,
        readyAt: ready ? now : null,
        updatedAt: now,
      })
      .where(and(eq(assets.id, asset.id), eq(assets.status, 'preparing')));
    return asset.id;
  });
  await ledger.once('event:asset.end', async () => {
    const row = await db.query.assets.findFirst({ where: eq(assets.id, id) });
    if (row) await emitAsset(env, row.status === 'ready' ? 'asset.ready' : 'asset.errored', row);
    return true;
  });
  await ledger.once('asset:mp4', async () => {
    const row = await db.query.assets.findFirst({ where: eq(assets.id, id) });
    if (row?.mp4Support === 'standard') await requestMp4(env, row);
    return true;
  });
  return id;
}

export async function sessionAssetId(env: Env, sessionId: string): Promise<string | null> {
  const row = await createDb(env.DB).query.assets.findFirst({ where: eq(assets.sessionId, sessionId) });
  return row?.id ?? null;
}
