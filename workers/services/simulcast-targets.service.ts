import type { EventType } from '@edgelive/shared';
import {
  DEFAULT_MAX_TARGETS_PER_STREAM,
  MAX_TARGET_KEY_LENGTH,
  type OriginTarget,
  pushUrlOf,
  type SimulcastReport,
} from '@edgelive/shared/simulcast';
import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { simulcastTargets } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { newId } from '../../core/ids';
import { openSecret, sealSecret } from '../../core/secret-box';
import { roomStub } from '../../core/stubs';
import { iso } from '../../core/time';
import { ApiError, badRequest } from '../lib/errors';
import { findInApp, pageInApp } from './app-rows';
import { assertPerStreamAllowed } from './plan-limits.service';
import { splitTargetUrl } from './simulcast-url';
import type { StreamRow } from './streams.service';

export type TargetRow = typeof simulcastTargets.$inferSelect;

/** The API's view of a target: never the key, only whether one is set. */
export const renderTarget = (r: TargetRow) => ({
  id: r.id,
  stream_id: r.streamId,
  name: r.name,
  url: r.url,
  stream_key_set: r.streamKeySealed !== null,
  enabled: r.enabled,
  rendition: r.rendition,
  status: r.status,
  last_error: r.lastError,
  next_retry_at: iso(r.nextRetryAt),
  created_at: iso(r.createdAt)!,
  updated_at: iso(r.updatedAt)!,
});

const emitTarget = (env: Env, type: EventType, r: TargetRow) =>
  emitEvent(env, { appId: r.appId, type, objectType: 'simulcast_target', objectId: r.id, data: renderTarget(r) });

/** Sealed for simulcast only (the purpose is bound in): it cannot be opened as a stream key or a webhook secret. */
const seal = (env: Env, key: string) => sealSecret(env, 'simulcast_key', key);

/** The target if it belongs to this stream (and so to the caller's app); otherwise 404. */
export async function findTarget(db: Db, stream: StreamRow, id: string): Promise<TargetRow> {
  const row = await findInApp(db, simulcastTargets, 'simulcastTarget', 'simulcast target', stream.appId, id);
  if (row.streamId !== stream.id) throw new ApiError(404, 'not_found', 'No such simulcast target.');
  return row;
}

export const listTargets = (db: Db, stream: StreamRow, q: { limit: number; cursor?: string }) =>
  pageInApp(db, simulcastTargets, stream.appId, q, eq(simulcastTargets.streamId, stream.id));

export interface TargetInput {
  url?: string;
  stream_key?: string;
  name?: string | null;
  enabled?: boolean;
  rendition?: string | null;
}

/**
 * The URL and key to store. A key given as `stream_key` wins and the URL is kept whole; without
 * one, the URL's last segment is the key (`rtmp://host/app/<key>`); with neither, `keep` (the key
 * already stored) or a 400.
 */
async function urlAndSealedKey(env: Env, raw: string, key: string | null | undefined, keep: string | null) {
  const split = splitTargetUrl(raw, env, key == null);
  if (typeof split === 'string') throw badRequest(split, { field: 'url' });
  const streamKey = key ?? split.key;
  if (streamKey !== null && (streamKey.length > MAX_TARGET_KEY_LENGTH || /[\s/?#]/.test(streamKey)))
    throw badRequest(
      `The stream key must be at most ${MAX_TARGET_KEY_LENGTH} characters, without spaces, slashes, ? or #.`,
      { field: 'stream_key' },
    );
  if (streamKey === null && keep === null)
    throw badRequest('No stream key: give `stream_key`, or put it at the end of the URL.', { field: 'stream_key' });
  return { url: split.url, sealed: streamKey === null ? keep : await seal(env, streamKey) };
}

export async function createTarget(db: Db, env: Env, stream: StreamRow, body: TargetInput & { url: string }) {
  const { url, sealed } = await urlAndSealedKey(env, body.url, body.stream_key, null);
  const [{ n } = { n: 0 }] = await db
    .select({ n: count() })
    .from(simulcastTargets)
    .where(eq(simulcastTargets.streamId, stream.id));
  if (n >= DEFAULT_MAX_TARGETS_PER_STREAM)
    throw new ApiError(
      409,
      'limit_reached',
      `A stream has at most ${DEFAULT_MAX_TARGETS_PER_STREAM} simulcast targets; delete one first.`,
    );
  await assertPerStreamAllowed(db, env, stream.appId, 'simulcast_targets_per_stream', n);
  const id = newId('simulcastTarget');
  const now = Date.now();
  const row: TargetRow = {
    id,
    appId: stream.appId,
    streamId: stream.id,
    name: body.name ?? null,
    url,
    streamKeySealed: sealed,
    enabled: body.enabled ?? true,
    status: 'idle',
    lastError: null,
    nextRetryAt: null,
    revision: 1,
    rendition: body.rendition ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(simulcastTargets).values(row);
  await emitTarget(env, 'simulcast_target.created', row);
  return row;
}

/** A change of url, key, enabled or rendition bumps the revision: a live origin restarts (or stops) that push only. */
export async function updateTarget(db: Db, env: Env, row: TargetRow, body: TargetInput) {
  const patch: Partial<TargetRow> = { updatedAt: Date.now() };
  if (body.name !== undefined) patch.name = body.name;
  let pushChanged = false;
  if (body.url !== undefined || body.stream_key !== undefined) {
    const next = await urlAndSealedKey(env, body.url ?? row.url, body.stream_key, row.streamKeySealed);
    patch.url = next.url;
    patch.streamKeySealed = next.sealed;
    pushChanged = true;
  }
  if (body.enabled !== undefined && body.enabled !== row.enabled) {
    patch.enabled = body.enabled;
    pushChanged = true;
  }
  if (body.rendition !== undefined && body.rendition !== row.rendition) {
    patch.rendition = body.rendition;
    pushChanged = true;
  }
  if (pushChanged) patch.revision = row.revision + 1;
  const [updated] = await db.update(simulcastTargets).set(patch).where(eq(simulcastTargets.id, row.id)).returning();
  return updated!;
}

export async function deleteTarget(db: Db, env: Env, row: TargetRow) {
  await db.delete(simulcastTargets).where(eq(simulcastTargets.id, row.id));
  await emitTarget(env, 'simulcast_target.deleted', row);
}

// ---- the origin's side ----

/** Enabled targets of a stream with their full push URLs, for the origin running its session only. */
export async function targetsForOrigin(db: Db, env: Env, streamId: string): Promise<OriginTarget[]> {
  const rows = await db
    .select()
    .from(simulcastTargets)
    .where(and(eq(simulcastTargets.streamId, streamId), eq(simulcastTargets.enabled, true)));
  const out: OriginTarget[] = [];
  for (const r of rows) {
    const key =
      r.streamKeySealed === null ? null : await openSecret(env, 'simulcast_key', r.streamKeySealed).catch(() => null);
    // A key sealed under another DATA_ENCRYPTION_KEY cannot be pushed: say so on the target instead of pushing without it.
    if (r.streamKeySealed !== null && key === null) {
      await applyReport(db, env, r, {
        status: 'errored',
        revision: r.revision,
        error: 'The stream key cannot be opened; set it again.',
      });
      continue;
    }
    out.push({ id: r.id, push_url: pushUrlOf(r.url, key), revision: r.revision, rendition: r.rendition });
  }
  return out;
}

/** Records what the origin says about one push: the status, its event and the room frame, on a change only. */
export async function reportTarget(
  db: Db,
  env: Env,
  stream: Pick<StreamRow, 'id' | 'roomId'>,
  id: string,
  report: SimulcastReport,
) {
  const [row] = await db
    .select()
    .from(simulcastTargets)
    .where(and(eq(simulcastTargets.id, id), eq(simulcastTargets.streamId, stream.id)))
    .limit(1);
  if (!row) return null;
  // A report about an older revision must not overwrite the new one's state, except its push
  // stopping: a disabled target's push reports `idle` under the revision it ran.
  if (report.revision < row.revision && !(report.status === 'idle' && !row.enabled)) return row;
  return applyReport(db, env, row, report, stream.roomId);
}

async function applyReport(db: Db, env: Env, row: TargetRow, report: SimulcastReport, roomId?: string | null) {
  const lastError = report.status === 'errored' ? (report.error ?? 'The push failed.') : null;
  const nextRetryAt = report.status === 'errored' && report.next_retry_at ? Date.parse(report.next_retry_at) : null;
  // Repeated errors are new failures (each retry); the same non-error status twice is not news.
  if (report.status === row.status && report.status !== 'errored') return row;
  const [updated] = await db
    .update(simulcastTargets)
    .set({ status: report.status, lastError, nextRetryAt, updatedAt: Date.now() })
    .where(eq(simulcastTargets.id, row.id))
    .returning();
  const r = updated!;
  await emitTarget(env, `simulcast_target.${r.status}`, r);
  if (roomId) {
    const t = renderTarget(r);
    await roomStub(env, roomId)
      .pushStreamFrame({
        type: 'simulcast_target',
        target: { id: t.id, name: t.name, status: t.status, last_error: t.last_error, next_retry_at: t.next_retry_at },
      })
      .catch((err: unknown) => console.error('simulcast frame not pushed', err));
  }
  return r;
}
