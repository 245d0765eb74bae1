import type { EventType } from '@edgelive/shared';
import { eq } from 'drizzle-orm';
import { createDb } from '../../core/db/client';
import { streamSessions, streams } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { endRoomSession } from '../../workers/services/rooms.service';
import { renderSession, streamEventData } from '../../workers/services/streams.service';
import type { InputReport } from './types';

/**
 * The stream object owns live state; these write its mirror in D1 (for lists and reads) and emit
 * the lifecycle events. Each is awaited by the object so an event is never lost silently: if D1
 * fails, the origin's call fails and the agent retries.
 */

interface Ids {
  appId: string;
  streamId: string;
  sessionId: string;
}

async function emitStream(env: Env, ids: Ids, type: EventType) {
  const data = await streamEventData(createDb(env.DB), ids.streamId);
  // A stream deleted while live has no one left to tell.
  if (data) await emitEvent(env, { appId: ids.appId, type, objectType: 'stream', objectId: ids.streamId, data });
}

export async function sessionStarted(
  env: Env,
  ids: Ids,
  s: { originId: string; recording: boolean; startedAt: number },
) {
  const db = createDb(env.DB);
  await db.batch([
    db.insert(streamSessions).values({
      id: ids.sessionId,
      streamId: ids.streamId,
      appId: ids.appId,
      status: 'active',
      originId: s.originId,
      recording: s.recording,
      recordingStatus: s.recording ? 'recording' : null,
      startedAt: s.startedAt,
      createdAt: s.startedAt,
    }),
    db
      .update(streams)
      .set({ liveStatus: 'active', currentSessionId: ids.sessionId })
      .where(eq(streams.id, ids.streamId)),
  ]);
  await emitStream(env, ids, 'stream.active');
}

export async function sessionResumed(env: Env, ids: Ids, s: { originId: string; reconnects: number }) {
  const db = createDb(env.DB);
  await db.batch([
    db
      .update(streamSessions)
      .set({ status: 'active', originId: s.originId, reconnects: s.reconnects })
      .where(eq(streamSessions.id, ids.sessionId)),
    db
      .update(streams)
      .set({ liveStatus: 'active', currentSessionId: ids.sessionId })
      .where(eq(streams.id, ids.streamId)),
  ]);
  await emitStream(env, ids, 'stream.active');
}

export async function sessionReconnecting(env: Env, ids: Ids) {
  const db = createDb(env.DB);
  await db.batch([
    db.update(streamSessions).set({ status: 'reconnecting' }).where(eq(streamSessions.id, ids.sessionId)),
    db.update(streams).set({ liveStatus: 'reconnecting' }).where(eq(streams.id, ids.streamId)),
  ]);
  await emitStream(env, ids, 'stream.reconnecting');
}

export interface RecordingResult {
  durationS: number;
  renditions: string[];
}

export async function sessionEnded(env: Env, ids: Ids, s: { endedAt: number; recording: RecordingResult | null }) {
  const db = createDb(env.DB);
  const recording = s.recording
    ? {
        recordingStatus: s.recording.renditions.length ? ('ready' as const) : ('empty' as const),
        recordingDurationS: s.recording.durationS,
        recordingRenditions: s.recording.renditions,
      }
    : {};
  await db.batch([
    db
      .update(streamSessions)
      .set({ status: 'ended', endedAt: s.endedAt, ...recording })
      .where(eq(streamSessions.id, ids.sessionId)),
    db.update(streams).set({ liveStatus: 'idle', currentSessionId: null }).where(eq(streams.id, ids.streamId)),
  ]);
  await emitStream(env, ids, 'stream.idle');
  // The stream's room reports the session's peak concurrent viewers (`viewers.peak`).
  await endRoomSession(env, ids.appId, ids.streamId);
  if (s.recording?.renditions.length) {
    const row = await db.query.streamSessions.findFirst({ where: eq(streamSessions.id, ids.sessionId) });
    if (row) {
      await emitEvent(env, {
        appId: ids.appId,
        type: 'recording.ready',
        objectType: 'stream_session',
        objectId: ids.sessionId,
        data: renderSession(row),
      });
    }
  }
}

export async function inputReported(env: Env, sessionId: string, i: InputReport) {
  await createDb(env.DB)
    .update(streamSessions)
    .set({
      videoCodec: i.video_codec,
      audioCodec: i.audio_codec,
      width: i.width,
      height: i.height,
      frameRate: i.frame_rate,
      bitrateKbps: i.bitrate_kbps,
    })
    .where(eq(streamSessions.id, sessionId));
}
