import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { playbackIds, rooms, streamSessions, streams } from '../../core/db/schema/index';
import { iso } from '../../core/time';
import { notFound } from '../lib/errors';
import type { ChannelRow } from '../routes/channels.schema';
import { channelStreamIds, findChannelBySlug } from './channels.service';

/**
 * What a watch page shows, read from D1 in a few queries: the channel, its "primary" stream (the
 * one live now, else the most recently attached, whose room the page listens on so it switches to
 * live by itself), and its latest recordings.
 */
export interface WatchStream {
  id: string;
  name: string;
  status: 'live' | 'reconnecting' | 'idle';
  playback_id: string;
  policy: 'public' | 'signed';
  room_id: string | null;
  latency_mode: 'standard' | 'low';
}

export interface WatchRecording {
  session_id: string;
  stream_id: string;
  playback_id: string;
  title: string;
  started_at: string;
  duration_s: number | null;
  /** For the chat replay: the stream's room, the session's span and the recording's renditions. */
  room_id: string | null;
  started_ms: number;
  ended_ms: number | null;
  renditions: string[];
}

export interface WatchModel {
  channel: ChannelRow;
  stream: WatchStream | null;
  recordings: WatchRecording[];
}

const RECORDINGS_SHOWN = 12;

export async function watchModel(db: Db, appId: string, slug: string): Promise<WatchModel> {
  const channel = await findChannelBySlug(db, appId, slug);
  if (!channel) throw notFound('channel');
  const ids = await channelStreamIds(db, channel.id);
  if (!ids.length) return { channel, stream: null, recordings: [] };

  const rows = await db
    .select()
    .from(streams)
    .where(and(eq(streams.appId, appId), inArray(streams.id, ids)));
  const pbs = await db
    .select()
    .from(playbackIds)
    .where(inArray(playbackIds.streamId, ids))
    .orderBy(asc(playbackIds.createdAt));
  const roomRows = await db
    .select({ id: rooms.id, streamId: rooms.streamId })
    .from(rooms)
    .where(inArray(rooms.streamId, ids));
  // A public id when there is one: the page then needs no token for the video.
  const pbOf = (streamId: string) => {
    const mine = pbs.filter((p) => p.streamId === streamId);
    return mine.find((p) => p.policy === 'public') ?? mine[0] ?? null;
  };
  const ordered = ids.map((id) => rows.find((r) => r.id === id)).filter((r) => r && !r.disabledAt && pbOf(r.id));
  const live = ordered.find((r) => r!.liveStatus !== 'idle') ?? ordered[0];
  let stream: WatchStream | null = null;
  if (live) {
    const pb = pbOf(live.id)!;
    stream = {
      id: live.id,
      name: live.name,
      status: live.liveStatus === 'active' ? 'live' : live.liveStatus,
      playback_id: pb.id,
      policy: pb.policy,
      room_id: roomRows.find((r) => r.streamId === live.id)?.id ?? null,
      latency_mode: live.latencyMode,
    };
  }

  const sessions = await db
    .select()
    .from(streamSessions)
    .where(and(inArray(streamSessions.streamId, ids), eq(streamSessions.recordingStatus, 'ready')))
    .orderBy(desc(streamSessions.startedAt))
    .limit(RECORDINGS_SHOWN);
  const recordings = sessions.flatMap((s) => {
    const pb = pbOf(s.streamId);
    const st = rows.find((r) => r.id === s.streamId);
    if (!pb || !st) return [];
    return [
      {
        session_id: s.id,
        stream_id: s.streamId,
        playback_id: pb.id,
        title: st.name,
        started_at: iso(s.startedAt)!,
        duration_s: s.recordingDurationS,
        room_id: roomRows.find((r) => r.streamId === s.streamId)?.id ?? null,
        started_ms: s.startedAt,
        ended_ms: s.endedAt,
        renditions: s.recordingRenditions ?? [],
      },
    ];
  });
  return { channel, stream, recordings };
}
