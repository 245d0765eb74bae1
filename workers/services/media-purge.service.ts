import { and, asc, eq, inArray, isNotNull, isNull, ne } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../core/db/client';
import {
  apps,
  assets,
  mediaPurges,
  orgs,
  rooms,
  streamInputs,
  streams,
  uploads,
  webhookEndpoints,
} from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { previewPrefix, uploadPrefix } from '../../core/media-keys';
import { streamMediaPrefixes } from '../../core/media-storage';
import { analyticsStub, roomStub, streamStub, webhookStub } from '../../core/stubs';
import { conflict } from '../lib/errors';
import { mediaPrefixes } from './assets.service';

/**
 * Deleting an app (or an org, app by app) deletes its media from R2, not just its rows (issue 14).
 * R2 keys are laid out by stream, asset and upload, not by app, so the app's prefixes are listed
 * from its rows and written as `media_purges` rows in the same D1 batch that deletes the app (its
 * foreign keys cascade to streams, assets, uploads, channels, keys): either both happen or neither.
 * The objects then go PURGE_BUDGET at a time (kicked once after the request, then by the Cron
 * Trigger every minute), so an app of any size never makes one invocation long, and a run that
 * dies part way is resumed by the next from what R2 still lists.
 */
export const PURGE_BUDGET = 1000;
/** Rows of an insert: D1 binds at most 100 parameters per statement (6 columns a row). */
const INSERT_CHUNK = 14;
/** Objects wiped a pass (one RPC each), besides the R2 budget. */
export const OBJECT_BUDGET = 50;

interface PurgeTarget {
  prefix: string;
  multipartId: string | null;
  objectNamespace?: ObjectNamespace;
}

type ObjectNamespace = 'stream' | 'room' | 'analytics' | 'webhook';

/**
 * The app's Durable Objects, whose stored state (a stream's sessions and timers, a room's history
 * and moderation, a stream's analytics, an endpoint's delivery queue) goes with it, queued the
 * same way as its media and wiped by the same passes.
 */
export async function appObjectTargets(db: Db, appId: string): Promise<PurgeTarget[]> {
  const [streamRows, roomRows, endpointRows] = await Promise.all([
    db.select({ id: streams.id }).from(streams).where(eq(streams.appId, appId)),
    db.select({ id: rooms.id }).from(rooms).where(eq(rooms.appId, appId)),
    db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.appId, appId)),
  ]);
  const of = (objectNamespace: ObjectNamespace, ids: { id: string }[]) =>
    ids.map((r) => ({ prefix: r.id, multipartId: null, objectNamespace }));
  return [
    ...of('stream', streamRows),
    ...of('analytics', streamRows),
    ...of('room', roomRows),
    ...of('webhook', endpointRows),
  ];
}

function wipeStub(env: Env, ns: ObjectNamespace, name: string) {
  if (ns === 'stream') return streamStub(env, name);
  if (ns === 'analytics') return analyticsStub(env, name);
  if (ns === 'room') return roomStub(env, name);
  return webhookStub(env, name);
}

/** Every prefix holding one of the app's objects, each once. */
export async function appMediaTargets(db: Db, appId: string): Promise<PurgeTarget[]> {
  const [streamRows, inputRows, assetRows, uploadRows] = await Promise.all([
    db.select({ id: streams.id }).from(streams).where(eq(streams.appId, appId)),
    db.select({ id: streamInputs.id }).from(streamInputs).where(eq(streamInputs.appId, appId)),
    db.select().from(assets).where(eq(assets.appId, appId)),
    db.select().from(uploads).where(eq(uploads.appId, appId)),
  ]);
  const targets = new Map<string, string | null>();
  const add = (prefix: string, multipartId: string | null = null) => {
    if (!targets.has(prefix) || multipartId) targets.set(prefix, multipartId);
  };
  for (const s of streamRows) for (const p of streamMediaPrefixes(s.id)) add(p);
  // Each camera's preview window (input-preview.service.ts) is keyed by the input alone.
  for (const i of inputRows) add(previewPrefix(i.id));
  for (const a of assetRows) for (const p of mediaPrefixes(a)) add(p);
  // An unfinished upload's parts are not objects yet: only aborting its multipart upload frees them.
  for (const u of uploadRows)
    add(
      uploadPrefix(u.id),
      u.multipartId && (u.status === 'waiting' || u.status === 'uploading') ? u.multipartId : null,
    );
  add(`channels/${appId}/`);
  return [...targets].map(([prefix, multipartId]) => ({ prefix, multipartId }));
}

/** A live publisher would keep writing segments after the purge listed its prefix empty. */
async function refuseIfLive(db: Db, appIds: string[]) {
  const live = await db
    .select({ id: streams.id })
    .from(streams)
    .where(and(inArray(streams.appId, appIds), ne(streams.liveStatus, 'idle')))
    .limit(1);
  if (live.length) throw conflict(`Stream ${live[0]!.id} is live; end it (or disable it) before deleting its app.`);
}

/** The statements that queue an app's media and delete its rows (run in one batch by the caller). */
async function purgeStatements(db: Db, appId: string, now: number): Promise<BatchItem<'sqlite'>[]> {
  const targets = [...(await appMediaTargets(db, appId)), ...(await appObjectTargets(db, appId))];
  const out: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < targets.length; i += INSERT_CHUNK) {
    const chunk = targets.slice(i, i + INSERT_CHUNK);
    out.push(
      db.insert(mediaPurges).values(
        chunk.map((t) => ({
          id: newId('mediaPurge'),
          appId,
          prefix: t.prefix,
          multipartId: t.multipartId,
          objectNamespace: t.objectNamespace ?? null,
          createdAt: now,
        })),
      ),
    );
  }
  out.push(db.delete(apps).where(eq(apps.id, appId)));
  return out;
}

/** Delete apps with their rows now and their media queued; refused (nothing changed) while one is live. */
export async function deleteAppsWithMedia(db: Db, appIds: string[], extra: BatchItem<'sqlite'>[] = []) {
  if (appIds.length) await refuseIfLive(db, appIds);
  const now = Date.now();
  const statements: BatchItem<'sqlite'>[] = [];
  for (const id of appIds) statements.push(...(await purgeStatements(db, id, now)));
  statements.push(...extra);
  if (!statements.length) return;
  const [first, ...rest] = statements;
  await db.batch([first!, ...rest]);
}

/**
 * One bounded pass over the queued prefixes, oldest first: at most `budget` objects deleted (R2
 * deletes up to 1000 keys a call). A row goes once its prefix lists empty; the count it keeps says
 * how far a long purge got.
 */
export async function purgeMedia(db: Db, env: Env, budget = PURGE_BUDGET) {
  let left = budget;
  let deleted = 0;
  let finished = 0;
  const rows = await db
    .select()
    .from(mediaPurges)
    .where(isNull(mediaPurges.objectNamespace))
    .orderBy(asc(mediaPurges.createdAt), asc(mediaPurges.id))
    .limit(100);
  for (const row of rows) {
    if (left <= 0) break;
    if (row.multipartId) {
      await env.MEDIA.resumeMultipartUpload(`${row.prefix}source`, row.multipartId)
        .abort()
        .catch(() => {}); // already completed or aborted: nothing left to free
      await db.update(mediaPurges).set({ multipartId: null }).where(eq(mediaPurges.id, row.id));
    }
    const page = await env.MEDIA.list({ prefix: row.prefix, limit: Math.min(left, 1000) });
    if (page.objects.length) {
      await env.MEDIA.delete(page.objects.map((o) => o.key));
      left -= page.objects.length;
      deleted += page.objects.length;
    }
    if (!page.truncated) {
      await db.delete(mediaPurges).where(eq(mediaPurges.id, row.id));
      finished++;
    } else {
      await db
        .update(mediaPurges)
        .set({ objectsDeleted: row.objectsDeleted + page.objects.length })
        .where(eq(mediaPurges.id, row.id));
    }
  }
  const wiped = await wipeObjects(db, env);
  const pending = await db.$count(mediaPurges);
  return { deleted, finished, pending, wiped };
}

/** The queued objects' storage wiped, oldest first; a row goes once its object answered. */
async function wipeObjects(db: Db, env: Env, budget = OBJECT_BUDGET) {
  const rows = await db
    .select()
    .from(mediaPurges)
    .where(isNotNull(mediaPurges.objectNamespace))
    .orderBy(asc(mediaPurges.createdAt), asc(mediaPurges.id))
    .limit(budget);
  let wiped = 0;
  for (const row of rows) {
    // A failure leaves the row for the next pass (wiping twice is harmless).
    try {
      await wipeStub(env, row.objectNamespace!, row.prefix).wipe();
    } catch {
      continue;
    }
    await db.delete(mediaPurges).where(eq(mediaPurges.id, row.id));
    wiped++;
  }
  return wiped;
}

/** An org goes with all its apps (their media queued as above) in the same batch; members and invitations cascade. */
export async function deleteOrgWithMedia(db: Db, orgId: string) {
  const appRows = await db.select({ id: apps.id }).from(apps).where(eq(apps.orgId, orgId));
  await deleteAppsWithMedia(
    db,
    appRows.map((a) => a.id),
    [db.delete(orgs).where(eq(orgs.id, orgId))],
  );
}
