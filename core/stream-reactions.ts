import type { EventType } from '@edgelive/shared';
import type { InputReport } from '@edgelive/shared/origin-protocol';
import { and, eq, isNull, or } from 'drizzle-orm';
import { sessionAssetEnded, sessionAssetId, sessionAssetStarted } from './asset-reactions';
import { createDb } from './db/client';
import { rooms, streamInputs, streamPrograms, streamSessions, streams } from './db/schema/index';
import type { Env } from './env';
import { emitEvent } from './events';
import { renderSession, streamEventData } from './stream-views';
import { roomStub } from './stubs';
import { iso } from './time';

/**
 * The one door through which the stream object's state changes reach the rest of the system.
 * The object records what happened (a `StreamReaction`, kept in its own SQLite outbox in the same
 * write as the change) and hands it to `reactToStream`, which writes the D1 mirror, records the
 * events and tells the stream's room. Every step runs through `ledger.once`, which the object
 * persists: a retry (the object's alarm, or its next call) skips the steps that went through and
 * finishes the rest, so a transient D1, R2 or room failure delays a reaction but never loses or
 * repeats one. Reactions of one stream run one at a time, in the order they were recorded.
 */

export interface StreamIds {
  appId: string;
  streamId: string;
  sessionId: string;
}

export interface RecordingResult {
  durationS: number;
  renditions: string[];
}

export type StreamReaction =
  | { kind: 'session_started'; ids: StreamIds; originId: string; recording: boolean; startedAt: number }
  | { kind: 'session_resumed'; ids: StreamIds; originId: string; reconnects: number }
  | { kind: 'session_reconnecting'; ids: StreamIds }
  | { kind: 'session_max_duration'; ids: StreamIds }
  | { kind: 'session_ended'; ids: StreamIds; endedAt: number; recording: RecordingResult | null }
  | { kind: 'input_reported'; ids: StreamIds; input: InputReport };

/** Remembers which steps of one reaction are done (and what they answered). */
export interface ReactionLedger {
  once<T>(step: string, run: () => Promise<T>): Promise<T>;
}

export async function reactToStream(env: Env, r: StreamReaction, ledger: ReactionLedger): Promise<void> {
  const db = createDb(env.DB);
  const { ids } = r;
  const emitStream = (type: EventType) =>
    ledger.once(`event:${type}`, async () => {
      const data = await streamEventData(db, ids.streamId);
      // A stream deleted while live has no one left to tell.
      if (data) await emitEvent(env, { appId: ids.appId, type, objectType: 'stream', objectId: ids.streamId, data });
      return true;
    });
  const live = (status: 'active' | 'reconnecting') =>
    db.update(streams).set({ liveStatus: status, currentSessionId: ids.sessionId }).where(eq(streams.id, ids.streamId));

  switch (r.kind) {
    case 'session_started':
      await ledger.once('mirror', async () => {
        await db.batch([
          db
            .insert(streamSessions)
            .values({
              id: ids.sessionId,
              streamId: ids.streamId,
              appId: ids.appId,
              status: 'active',
              originId: r.originId,
              recording: r.recording,
              recordingStatus: r.recording ? 'recording' : null,
              startedAt: r.startedAt,
              createdAt: r.startedAt,
            })
            .onConflictDoNothing(),
          live('active'),
        ]);
        return true;
      });
      if (r.recording) await sessionAssetStarted(env, ids, ledger);
      await emitStream('stream.active');
      await tellRoom(env, ids, 'live', ledger);
      return;
    case 'session_resumed':
      await ledger.once('mirror', async () => {
        await db.batch([
          db
            .update(streamSessions)
            .set({ status: 'active', originId: r.originId, reconnects: r.reconnects })
            .where(eq(streamSessions.id, ids.sessionId)),
          live('active'),
        ]);
        return true;
      });
      await emitStream('stream.active');
      await tellRoom(env, ids, 'live', ledger);
      return;
    case 'session_reconnecting':
      await ledger.once('mirror', async () => {
        await db.batch([
          db.update(streamSessions).set({ status: 'reconnecting' }).where(eq(streamSessions.id, ids.sessionId)),
          live('reconnecting'),
        ]);
        return true;
      });
      await emitStream('stream.reconnecting');
      await tellRoom(env, ids, 'reconnecting', ledger);
      return;
    case 'session_max_duration':
      await emitStream('stream.max_duration_reached');
      return;
    case 'session_ended':
      await sessionEnded(env, r, ledger);
      // The asset is settled before recording.ready so that event can name it.
      if (r.recording) await sessionAssetEnded(env, ids, r.recording, ledger);
      await emitStream('stream.idle');
      await tellRoom(env, ids, 'idle', ledger);
      await roomSessionEnded(env, ids, ledger);
      if (r.recording?.renditions.length) {
        await ledger.once('event:recording.ready', async () => {
          const row = await db.query.streamSessions.findFirst({ where: eq(streamSessions.id, ids.sessionId) });
          if (row)
            await emitEvent(env, {
              appId: ids.appId,
              type: 'recording.ready',
              objectType: 'stream_session',
              objectId: ids.sessionId,
              data: { ...renderSession(row), asset_id: await sessionAssetId(env, ids.sessionId) },
            });
          return true;
        });
      }
      return;
    case 'input_reported':
      await ledger.once('mirror', async () => {
        const i = r.input;
        await db
          .update(streamSessions)
          .set({
            videoCodec: i.video_codec,
            audioCodec: i.audio_codec,
            width: i.width,
            height: i.height,
            frameRate: i.frame_rate,
            bitrateKbps: i.bitrate_kbps,
          })
          .where(eq(streamSessions.id, ids.sessionId));
        return true;
      });
      return;
  }
}

async function sessionEnded(env: Env, r: Extract<StreamReaction, { kind: 'session_ended' }>, ledger: ReactionLedger) {
  const db = createDb(env.DB);
  const { ids } = r;
  const recording = r.recording
    ? {
        recordingStatus: r.recording.renditions.length ? ('ready' as const) : ('empty' as const),
        recordingDurationS: r.recording.durationS,
        recordingRenditions: r.recording.renditions,
      }
    : {};
  await ledger.once('mirror', async () => {
    await db.batch([
      db
        .update(streamSessions)
        .set({ status: 'ended', endedAt: r.endedAt, ...recording })
        .where(eq(streamSessions.id, ids.sessionId)),
      // Only if no newer session took the stream meanwhile (a retry may run after the next publish).
      db
        .update(streams)
        .set({ liveStatus: 'idle', currentSessionId: null })
        .where(
          and(
            eq(streams.id, ids.streamId),
            or(eq(streams.currentSessionId, ids.sessionId), isNull(streams.currentSessionId)),
          ),
        ),
    ]);
    return true;
  });
}

/**
 * The stream's room pushes the new status to its sockets (`stream_status`), so a watch page
 * switches between live and offline without polling. The time is fixed in the ledger on the
 * first try, so a retry carries the same `at` and the room's ordering check still holds.
 */
async function tellRoom(env: Env, ids: StreamIds, status: 'live' | 'reconnecting' | 'idle', ledger: ReactionLedger) {
  const at = await ledger.once(`room-status-at:${status}`, async () => new Date().toISOString());
  await ledger.once(`room-status:${status}`, async () => {
    const row = await createDb(env.DB).query.rooms.findFirst({
      where: and(eq(rooms.appId, ids.appId), eq(rooms.streamId, ids.streamId), isNull(rooms.deletedAt)),
    });
    if (row)
      await roomStub(env, row.id).setStreamStatus({
        status,
        session_id: status === 'idle' ? null : ids.sessionId,
        input: status === 'idle' ? null : await programInput(env, ids.streamId),
        at,
      });
    return true;
  });
}

/** The input on air, for a stream with several cameras (issue 13); null for a stream with one. */
async function programInput(env: Env, streamId: string): Promise<string | null> {
  const db = createDb(env.DB);
  const cameras = await db
    .select({ id: streamInputs.id })
    .from(streamInputs)
    .where(eq(streamInputs.streamId, streamId))
    .limit(2);
  if (cameras.length < 2) return null;
  const program = await db.query.streamPrograms.findFirst({ where: eq(streamPrograms.streamId, streamId) });
  return program?.onAirInputId ?? null;
}

/**
 * The stream's room reports the session's peak concurrent viewers (`viewers.peak`). The room's
 * answer is kept in the ledger before the event is recorded, since asking twice would reset it.
 */
async function roomSessionEnded(env: Env, ids: StreamIds, ledger: ReactionLedger) {
  const db = createDb(env.DB);
  const room = await ledger.once('room', async () => {
    const row = await db.query.rooms.findFirst({
      where: and(eq(rooms.appId, ids.appId), eq(rooms.streamId, ids.streamId), isNull(rooms.deletedAt)),
    });
    if (!row) return null;
    const s = await roomStub(env, row.id).endSession();
    return { roomId: row.id, peak: s.peak, startedAt: s.startedAt, endedAt: Date.now() };
  });
  if (!room) return;
  await ledger.once('event:viewers.peak', async () => {
    await emitEvent(env, {
      appId: ids.appId,
      type: 'viewers.peak',
      objectType: 'stream',
      objectId: ids.streamId,
      data: {
        room_id: room.roomId,
        stream_id: ids.streamId,
        peak_viewers: room.peak,
        started_at: iso(room.startedAt),
        ended_at: iso(room.endedAt),
      },
    });
    return true;
  });
}
