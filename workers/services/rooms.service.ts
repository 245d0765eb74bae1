import { DEFAULT_ROOM_SETTINGS, type RoomSettings } from '@edgelive/shared';
import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { createDb, type Db } from '../../core/db/client';
import { chatBans, rooms } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { isIdOf, newId } from '../../core/ids';
import { roomStub } from '../../core/stubs';
import { iso } from '../../core/time';
import { roomConfigOf } from '../../durable-objects/room/contract';
import { notFound } from '../lib/errors';

export type RoomRow = typeof rooms.$inferSelect;

export const renderRoom = (r: RoomRow) => ({
  id: r.id,
  app_id: r.appId,
  name: r.name,
  kind: r.kind,
  stream_id: r.streamId,
  members: r.members ?? null,
  settings: r.settings,
  metadata: r.metadata ?? {},
  created_at: iso(r.createdAt)!,
  updated_at: iso(r.updatedAt)!,
});
export type RenderedRoom = ReturnType<typeof renderRoom>;

export async function findRoom(db: Db, appId: string, roomId: string): Promise<RoomRow> {
  const r =
    isIdOf('room', roomId) &&
    (await db.query.rooms.findFirst({
      where: and(eq(rooms.id, roomId), eq(rooms.appId, appId), isNull(rooms.deletedAt)),
    }));
  if (!r) throw notFound('room');
  return r;
}

export interface NewRoom {
  kind: 'app' | 'stream' | 'direct';
  name?: string | null;
  streamId?: string | null;
  members?: string[] | null;
  settings?: RoomSettings;
  metadata?: Record<string, string>;
}

export const directKey = (members: string[]) => [...members].sort().join('\u0000');

/** Inserts the row, hands the object its config, and records `room.created`. */
export async function createRoom(env: Env, appId: string, input: NewRoom): Promise<RoomRow> {
  const t = Date.now();
  const row: RoomRow = {
    id: newId('room'),
    appId,
    name: input.name ?? null,
    kind: input.kind,
    streamId: input.streamId ?? null,
    directKey: input.kind === 'direct' && input.members ? directKey(input.members) : null,
    members: input.members ?? null,
    settings: input.settings ?? DEFAULT_ROOM_SETTINGS,
    metadata: input.metadata ?? null,
    createdAt: t,
    updatedAt: t,
    deletedAt: null,
  };
  await createDb(env.DB).insert(rooms).values(row);
  await roomStub(env, row.id).configure(roomConfigOf(row));
  await emitEvent(env, { appId, type: 'room.created', objectType: 'room', objectId: row.id, data: renderRoom(row) });
  return row;
}

/**
 * The room of a live stream, created on first call and returned as-is after that, so the streams
 * code can call it whenever it creates (or re-reads) a stream.
 */
export async function createRoomFor(
  env: Env,
  appId: string,
  owner: { kind: 'stream'; streamId: string; name?: string },
): Promise<RoomRow> {
  const db = createDb(env.DB);
  const existing = await db.query.rooms.findFirst({
    where: and(eq(rooms.appId, appId), eq(rooms.streamId, owner.streamId), isNull(rooms.deletedAt)),
  });
  if (existing) return existing;
  try {
    return await createRoom(env, appId, { kind: 'stream', streamId: owner.streamId, name: owner.name ?? null });
  } catch (err) {
    // Two calls raced: the unique index let one through; answer with that one.
    const winner = await db.query.rooms.findFirst({
      where: and(eq(rooms.appId, appId), eq(rooms.streamId, owner.streamId), isNull(rooms.deletedAt)),
    });
    if (winner) return winner;
    throw err;
  }
}

/** The stream's room, if it has one (for the streams API to show `room_id`). */
export async function roomOfStream(db: Db, appId: string, streamId: string): Promise<RoomRow | null> {
  return (
    (await db.query.rooms.findFirst({
      where: and(eq(rooms.appId, appId), eq(rooms.streamId, streamId), isNull(rooms.deletedAt)),
    })) ?? null
  );
}

/** Soft-deletes the row, closes every socket and wipes the object's storage, records `room.deleted`. */
export async function deleteRoom(env: Env, row: RoomRow) {
  const t = Date.now();
  await createDb(env.DB).update(rooms).set({ deletedAt: t, updatedAt: t }).where(eq(rooms.id, row.id));
  await roomStub(env, row.id).shutdown();
  await emitEvent(env, {
    appId: row.appId,
    type: 'room.deleted',
    objectType: 'room',
    objectId: row.id,
    data: renderRoom(row),
  });
}

/** Deletes a stream's room with the stream. */
export async function deleteRoomFor(env: Env, appId: string, streamId: string) {
  const row = await roomOfStream(createDb(env.DB), appId, streamId);
  if (row) await deleteRoom(env, row);
}

/**
 * Called by the streams code when a live session ends: records the session's peak concurrent
 * viewers as `viewers.peak` and starts counting afresh for the next session.
 */
export async function endRoomSession(env: Env, appId: string, streamId: string) {
  const row = await roomOfStream(createDb(env.DB), appId, streamId);
  if (!row) return null;
  const s = await roomStub(env, row.id).endSession();
  await emitEvent(env, {
    appId,
    type: 'viewers.peak',
    objectType: 'stream',
    objectId: streamId,
    data: {
      room_id: row.id,
      stream_id: streamId,
      peak_viewers: s.peak,
      started_at: iso(s.startedAt),
      ended_at: iso(Date.now()),
    },
  });
  return s;
}

/** The app-wide ban in force for a user, if any. */
export async function activeAppBan(db: Db, appId: string, userId: string) {
  return (
    (await db.query.chatBans.findFirst({
      where: and(
        eq(chatBans.appId, appId),
        eq(chatBans.userId, userId),
        or(isNull(chatBans.expiresAt), gt(chatBans.expiresAt, Date.now())),
      ),
    })) ?? null
  );
}
