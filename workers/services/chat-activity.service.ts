import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { rooms } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { roomStub } from '../../core/stubs';
import type { ChatActivityBucket } from '../../durable-objects/room/contract';
import type { Granularity } from '../routes/analytics.schema';
import { SPAN, type Window } from './analytics.service';
import { findStream } from './streams.service';

/**
 * Chat activity for the analytics reads: each room counts its own history (room/chat-activity.ts)
 * and this sums the rooms asked about. A stream's is its room; an app's is its most recent rooms,
 * at most MAX_ROOMS of them (said in the answer), since every room is a call to its object.
 * Active chatters are distinct within a room: someone chatting in two rooms counts twice.
 */
export const MAX_ROOMS = 50;

export interface ChatActivity {
  rooms: number;
  rooms_truncated: boolean;
  data: { time: string; messages: number; messages_per_minute: number; active_chatters: number }[];
}

async function roomsOf(db: Db, appId: string, streamId: string | undefined) {
  if (streamId) {
    const s = await findStream(db, appId, streamId);
    return s.roomId ? [s.roomId] : [];
  }
  const rows = await db
    .select({ id: rooms.id })
    .from(rooms)
    .where(and(eq(rooms.appId, appId), isNull(rooms.deletedAt)))
    .orderBy(desc(rooms.createdAt))
    .limit(MAX_ROOMS + 1)
    .all();
  return rows.map((r) => r.id);
}

export async function chatActivity(
  db: Db,
  env: Env,
  appId: string,
  streamId: string | undefined,
  g: Granularity,
  w: Window,
): Promise<ChatActivity> {
  const ids = await roomsOf(db, appId, streamId);
  const asked = ids.slice(0, MAX_ROOMS);
  const query = { from: w.from - (w.from % SPAN[g]), to: w.to, bucket_ms: SPAN[g] };
  const perRoom = await Promise.all(asked.map((id) => roomStub(env, id).chatActivity(query)));
  const sum = new Map<number, ChatActivityBucket>();
  for (const b of perRoom.flat()) {
    const s = sum.get(b.bucket) ?? { bucket: b.bucket, messages: 0, chatters: 0 };
    s.messages += b.messages;
    s.chatters += b.chatters;
    sum.set(b.bucket, s);
  }
  const minutes = SPAN[g] / 60_000;
  return {
    rooms: asked.length,
    rooms_truncated: ids.length > MAX_ROOMS,
    data: [...sum.values()]
      .sort((a, b) => a.bucket - b.bucket)
      .map((b) => ({
        time: new Date(b.bucket).toISOString(),
        messages: b.messages,
        messages_per_minute: Math.round((b.messages / minutes) * 100) / 100,
        active_chatters: b.chatters,
      })),
  };
}
