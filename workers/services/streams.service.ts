import type { EventType } from '@edgelive/shared';
import { defaultLadder, isRungName, type RenditionName, rungsAboveMax, sortLadder } from '@edgelive/shared/ladder';
import { MAX_SESSION_SECONDS } from '@edgelive/shared/live-timing';
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../core/db/client';
import { apps, channelStreams, playbackIds, streamSessions, streams } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { deliverEvents, emitEvent, eventStatement, newEventRow } from '../../core/events';
import { isIdOf, newId, randomToken } from '../../core/ids';
import { deletePrefixes, streamMediaPrefixes } from '../../core/media-storage';
import { streamKeyColumns } from '../../core/stream-keys';
import {
  loadStreamView,
  loadStreamViews,
  type PlaybackIdRow,
  renderStream,
  type SessionRow,
  type StreamRow,
  type StreamView,
} from '../../core/stream-views';
import { streamStub } from '../../core/stubs';
import { ApiError, notFound } from '../lib/errors';
import { keyset } from '../lib/pagination';
import { findInApp, pageInApp } from './app-rows';
import { deleteStreamAssets } from './assets.service';
import { channelJoin, channelLeave, findChannel, openRoomToReaders } from './channels.service';
import { createRoomFor, deleteRoomFor } from './rooms.service';

export type { StreamRow, StreamView };

/** Stream keys are long random secrets: a fast hash is enough to index them. */
const newStreamKey = () => `lsk_${randomToken(40)}`;

/** The stream if it belongs to the app; another app's id is indistinguishable from a missing one. */
export const findStream = (db: Db, appId: string, id: string): Promise<StreamRow> =>
  findInApp(db, streams, 'stream', 'stream', appId, id);

/** Loads the view once: the event carries it without the key, the caller renders it for the answer. */
async function emitStreamEvent(db: Db, env: Env, type: EventType, row: StreamRow): Promise<StreamView> {
  const view = await loadStreamView(db, row);
  const data = renderStream(view, { streamKey: null });
  await emitEvent(env, { appId: row.appId, type, objectType: 'stream', objectId: row.id, data });
  return view;
}

/**
 * A change to a stream and the event that describes it, written in one D1 batch (the outbox,
 * core/events.ts): either both are committed or neither, and a failure to hand the event over
 * afterwards leaves it to the sweeper instead of failing the request. The event renders the view
 * as it is after the change, built from the view before it.
 */
async function commitStreamChange(
  db: Db,
  env: Env,
  type: EventType,
  s: StreamRow,
  change: {
    set?: Partial<StreamRow>;
    playbackIds?: (ids: PlaybackIdRow[]) => PlaybackIdRow[];
    also?: BatchItem<'sqlite'>[];
    /** The channel the stream is on after the change (undefined: unchanged). */
    channelId?: string | null;
  },
): Promise<StreamView> {
  const before = await loadStreamView(db, s);
  const stream = { ...s, ...change.set };
  const view: StreamView = {
    stream,
    session: before.session,
    playbackIds: change.playbackIds ? change.playbackIds(before.playbackIds) : before.playbackIds,
    channelId: change.channelId === undefined ? before.channelId : change.channelId,
  };
  const ev = newEventRow({
    appId: s.appId,
    type,
    objectType: 'stream',
    objectId: s.id,
    data: renderStream(view, { streamKey: null }),
  });
  await db.batch([
    db
      .update(streams)
      .set({ ...change.set, updatedAt: stream.updatedAt })
      .where(eq(streams.id, s.id)),
    ...(change.also ?? []),
    eventStatement(db, ev),
  ]);
  await deliverEvents(env, [ev]);
  return view;
}

export type StatusFilter = 'idle' | 'active' | 'reconnecting' | 'disabled';

/** A page of streams (`limit + 1` rows, for pageOf) with their views. */
export async function listStreams(
  db: Db,
  appId: string,
  q: { limit: number; cursor?: string; status?: StatusFilter; channel_id?: string },
) {
  const onChannel = q.channel_id
    ? inArray(
        streams.id,
        db
          .select({ id: channelStreams.streamId })
          .from(channelStreams)
          .where(eq(channelStreams.channelId, q.channel_id)),
      )
    : undefined;
  const byStatus =
    q.status === 'disabled'
      ? isNotNull(streams.disabledAt)
      : q.status
        ? and(isNull(streams.disabledAt), eq(streams.liveStatus, q.status))
        : undefined;
  const rows = await pageInApp(db, streams, appId, q, and(byStatus, onChannel));
  const views = new Map((await loadStreamViews(db, rows.slice(0, q.limit))).map((v) => [v.stream.id, v]));
  return { rows, viewOf: (r: StreamRow) => views.get(r.id)! };
}

async function appMaxQuality(db: Db, appId: string) {
  const app = await db.query.apps.findFirst({ where: eq(apps.id, appId) });
  const max = app?.settings.max_quality;
  return isRungName(max) ? max : undefined;
}

/** The per-app ceiling (settings.max_quality) is a contract with the customer: refuse, do not trim. */
async function checkLadder(db: Db, appId: string, ladder: RenditionName[]) {
  const max = await appMaxQuality(db, appId);
  const over = rungsAboveMax(ladder, max);
  if (over.length) {
    throw new ApiError(
      400,
      'quality_above_app_maximum',
      `This app's max_quality is ${max}: ${over.join(', ')} ${over.length > 1 ? 'are' : 'is'} above it` +
        (over.includes('source')
          ? ' (source passes the input through at any resolution, so it cannot be capped).'
          : '.'),
      { max_quality: max, refused: over },
    );
  }
  return sortLadder(ladder);
}

export interface StreamSettings {
  name?: string;
  latency_mode?: StreamRow['latencyMode'];
  recording?: boolean;
  encryption?: boolean;
  reconnect_window?: number;
  ladder?: RenditionName[];
  metadata?: Record<string, string>;
  mp4_support?: StreamRow['mp4Support'];
  dvr_window_seconds?: number;
  max_duration_seconds?: number;
  recording_retention_days?: number | null;
}

/** `channel_id` in a create or update body names a channel of the same app (another app's: 404). */
const channelOfBody = (db: Db, appId: string, id: string | null | undefined) =>
  id ? findChannel(db, appId, id) : Promise.resolve(null);

export async function createStream(
  db: Db,
  env: Env,
  appId: string,
  body: StreamSettings & { playback_policies?: PlaybackIdRow['policy'][]; channel_id?: string },
) {
  const channel = await channelOfBody(db, appId, body.channel_id);
  const ladder = body.ladder
    ? await checkLadder(db, appId, body.ladder)
    : defaultLadder(await appMaxQuality(db, appId));
  const key = newStreamKey();
  const t = Date.now();
  const row: StreamRow = {
    id: newId('stream'),
    appId,
    name: body.name ?? 'Live stream',
    ...(await streamKeyColumns(env, key)),
    latencyMode: body.latency_mode ?? 'standard',
    recording: body.recording ?? false,
    encryption: body.encryption ?? false,
    reconnectWindowS: body.reconnect_window ?? 60,
    ladder,
    metadata: body.metadata ?? {},
    mp4Support: body.mp4_support ?? 'none',
    dvrWindowS: body.dvr_window_seconds ?? 0,
    maxDurationS: body.max_duration_seconds ?? MAX_SESSION_SECONDS,
    recordingRetentionDays: body.recording_retention_days ?? null,
    roomId: null,
    liveStatus: 'idle',
    currentSessionId: null,
    disabledAt: null,
    createdAt: t,
    updatedAt: t,
  };
  // Every stream has a chat room (DESIGN.md); created first so the stream row names it.
  row.roomId = (await createRoomFor(env, appId, { kind: 'stream', streamId: row.id, name: row.name })).id;
  if (channel) await openRoomToReaders(db, env, appId, row.id);
  const pbs = (body.playback_policies ?? []).map((policy, i) => ({
    id: newId('playbackId'),
    streamId: row.id,
    appId,
    policy,
    createdAt: t + i,
  }));
  // The event goes in the same batch (the outbox, core/events.ts): no stream without its event.
  const view: StreamView = {
    stream: row,
    session: null,
    playbackIds: [...pbs].reverse(),
    channelId: channel?.id ?? null,
  };
  const created = newEventRow(
    {
      appId,
      type: 'stream.created',
      objectType: 'stream',
      objectId: row.id,
      data: renderStream(view, { streamKey: null }),
    },
    t,
  );
  await db.batch([
    db.insert(streams).values(row),
    ...pbs.map((p) => db.insert(playbackIds).values(p)),
    ...(channel ? [channelJoin(db, channel, row.id)] : []),
    eventStatement(db, created),
  ]);
  await deliverEvents(env, [created]);
  return view;
}

export async function updateStream(
  db: Db,
  env: Env,
  s: StreamRow,
  body: StreamSettings & { channel_id?: string | null },
) {
  const channel = await channelOfBody(db, s.appId, body.channel_id);
  const changes: Partial<StreamRow> = { updatedAt: Date.now() };
  if (body.name !== undefined) changes.name = body.name;
  if (body.latency_mode !== undefined) changes.latencyMode = body.latency_mode;
  if (body.recording !== undefined) changes.recording = body.recording;
  if (body.encryption !== undefined) changes.encryption = body.encryption;
  if (body.reconnect_window !== undefined) changes.reconnectWindowS = body.reconnect_window;
  if (body.ladder !== undefined) changes.ladder = await checkLadder(db, s.appId, body.ladder);
  if (body.metadata !== undefined) changes.metadata = body.metadata;
  if (body.mp4_support !== undefined) changes.mp4Support = body.mp4_support;
  if (body.dvr_window_seconds !== undefined) changes.dvrWindowS = body.dvr_window_seconds;
  if (body.max_duration_seconds !== undefined) changes.maxDurationS = body.max_duration_seconds;
  if (body.recording_retention_days !== undefined) changes.recordingRetentionDays = body.recording_retention_days;
  if (body.channel_id === undefined) return commitStreamChange(db, env, 'stream.updated', s, { set: changes });
  if (channel) await openRoomToReaders(db, env, s.appId, s.id);
  return commitStreamChange(db, env, 'stream.updated', s, {
    set: changes,
    channelId: channel?.id ?? null,
    also: [channel ? channelJoin(db, channel, s.id) : channelLeave(db, s.id)],
  });
}

export async function deleteStream(db: Db, env: Env, s: StreamRow) {
  const data = renderStream(await loadStreamView(db, s), { streamKey: null });
  // The object first: from here on its publisher and in-flight segments are refused.
  await streamStub(env, s.id).remove();
  // Its assets (with their events) and every object it wrote to R2 go before its row.
  await deleteStreamAssets(db, env, s.id);
  await deletePrefixes(env, streamMediaPrefixes(s.id));
  await db.delete(streams).where(eq(streams.id, s.id));
  await deleteRoomFor(env, s.appId, s.id);
  await emitEvent(env, {
    appId: s.appId,
    type: 'stream.deleted',
    objectType: 'stream',
    objectId: s.id,
    data: { ...data, status: 'deleted' },
  });
}

export async function resetStreamKey(db: Db, env: Env, s: StreamRow) {
  const set = { ...(await streamKeyColumns(env, newStreamKey())), updatedAt: Date.now() };
  return commitStreamChange(db, env, 'stream.key_reset', s, { set });
}

export async function disableStream(db: Db, env: Env, s: StreamRow) {
  if (!s.disabledAt)
    await db.update(streams).set({ disabledAt: Date.now(), updatedAt: Date.now() }).where(eq(streams.id, s.id));
  // Ends a live session (and tells the mirror and webhooks) before we answer.
  await streamStub(env, s.id).disable(s.id, s.appId);
  const row = await findStream(db, s.appId, s.id);
  return s.disabledAt ? loadStreamView(db, row) : emitStreamEvent(db, env, 'stream.disabled', row);
}

export async function enableStream(db: Db, env: Env, s: StreamRow) {
  if (!s.disabledAt) return loadStreamView(db, s);
  await streamStub(env, s.id).enable();
  return commitStreamChange(db, env, 'stream.updated', s, { set: { disabledAt: null, updatedAt: Date.now() } });
}

export async function listSessions(db: Db, s: StreamRow, q: { limit: number; cursor?: string }): Promise<SessionRow[]> {
  const page = keyset(streamSessions.createdAt, streamSessions.id, q.cursor);
  return db
    .select()
    .from(streamSessions)
    .where(and(eq(streamSessions.streamId, s.id), page.where))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
}

export const MAX_PLAYBACK_IDS = 10;

export async function addPlaybackId(db: Db, env: Env, s: StreamRow, policy: PlaybackIdRow['policy']) {
  const existing = await db.$count(playbackIds, eq(playbackIds.streamId, s.id));
  if (existing >= MAX_PLAYBACK_IDS)
    throw new ApiError(409, 'conflict', `A stream has at most ${MAX_PLAYBACK_IDS} playback ids; delete one first.`);
  const row = { id: newId('playbackId'), streamId: s.id, appId: s.appId, policy, createdAt: Date.now() };
  await commitStreamChange(db, env, 'stream.updated', s, {
    playbackIds: (ids) => [row, ...ids],
    also: [db.insert(playbackIds).values(row)],
  });
  return row;
}

export async function findPlaybackId(db: Db, s: StreamRow, id: string) {
  const p =
    isIdOf('playbackId', id) &&
    (await db.query.playbackIds.findFirst({ where: and(eq(playbackIds.id, id), eq(playbackIds.streamId, s.id)) }));
  if (!p) throw notFound('playback id');
  return p;
}

export async function removePlaybackId(db: Db, env: Env, s: StreamRow, id: string) {
  const gone = await findPlaybackId(db, s, id);
  await commitStreamChange(db, env, 'stream.updated', s, {
    playbackIds: (ids) => ids.filter((p) => p.id !== gone.id),
    also: [db.delete(playbackIds).where(eq(playbackIds.id, gone.id))],
  });
}
