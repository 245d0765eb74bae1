/**
 * Streams and sessions as the API (and every event about them) renders them. In the core because
 * both the routes and the stream object's reactions (core/stream-reactions.ts) need them.
 */
import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from './db/client';
import { channelStreams, playbackIds, streamSessions, streams } from './db/schema/index';
import { iso } from './time';

export type StreamRow = typeof streams.$inferSelect;
export type SessionRow = typeof streamSessions.$inferSelect;
export type PlaybackIdRow = typeof playbackIds.$inferSelect;

export const renderPlaybackId = (p: PlaybackIdRow) => ({ id: p.id, policy: p.policy, created_at: iso(p.createdAt)! });

/** A recording's master playlist below `/hls/{playback_id}/` (workers/routes/hls.routes.ts). */
export const recordingPlaybackPath = (sessionId: string) => `recordings/${sessionId}.m3u8`;

export const renderSession = (s: SessionRow) => ({
  id: s.id,
  stream_id: s.streamId,
  status: s.status,
  started_at: iso(s.startedAt)!,
  ended_at: iso(s.endedAt),
  origin_id: s.originId,
  input:
    s.videoCodec == null && s.width == null
      ? null
      : {
          video_codec: s.videoCodec,
          audio_codec: s.audioCodec,
          width: s.width,
          height: s.height,
          frame_rate: s.frameRate,
          bitrate_kbps: s.bitrateKbps,
        },
  reconnects: s.reconnects,
  recording: s.recording
    ? {
        status: s.recordingStatus ?? 'recording',
        duration_s: s.recordingDurationS,
        renditions: s.recordingRenditions ?? [],
        playback_path: s.recordingStatus === 'ready' ? recordingPlaybackPath(s.id) : null,
      }
    : null,
  refusal: s.refusal ?? null,
});

export const streamStatus = (s: StreamRow) => (s.disabledAt ? ('disabled' as const) : s.liveStatus);

export interface StreamView {
  stream: StreamRow;
  session: SessionRow | null;
  playbackIds: PlaybackIdRow[];
  /** The channel the stream is on (a `channel_streams` row), or null. */
  channelId: string | null;
}

/**
 * The stream as the API returns it. The key is a publishing credential, stored sealed
 * (core/stream-keys.ts): callers allowed to publish pass it opened on single-stream answers;
 * lists and events (which are stored and sent out) pass null.
 */
export function renderStream(v: StreamView, opts: { streamKey: string | null }) {
  const s = v.stream;
  return {
    id: s.id,
    app_id: s.appId,
    name: s.name,
    status: streamStatus(s),
    stream_key: opts.streamKey,
    latency_mode: s.latencyMode,
    recording: s.recording,
    encryption: s.encryption,
    reconnect_window: s.reconnectWindowS,
    ladder: s.ladder,
    metadata: s.metadata,
    mp4_support: s.mp4Support,
    dvr_window_seconds: s.dvrWindowS,
    max_duration_seconds: s.maxDurationS,
    recording_retention_days: s.recordingRetentionDays,
    room_id: s.roomId,
    channel_id: v.channelId,
    playback_ids: v.playbackIds.map(renderPlaybackId),
    current_session:
      v.session && s.currentSessionId === v.session.id && v.session.status !== 'ended'
        ? renderSession(v.session)
        : null,
    disabled_at: iso(s.disabledAt),
    created_at: iso(s.createdAt)!,
    updated_at: iso(s.updatedAt)!,
  };
}

export async function loadStreamView(db: Db, stream: StreamRow): Promise<StreamView> {
  const [session, pbs, channel] = await Promise.all([
    stream.currentSessionId
      ? db.query.streamSessions.findFirst({ where: eq(streamSessions.id, stream.currentSessionId) })
      : undefined,
    db.select().from(playbackIds).where(eq(playbackIds.streamId, stream.id)).orderBy(desc(playbackIds.createdAt)),
    db.query.channelStreams.findFirst({ where: eq(channelStreams.streamId, stream.id) }),
  ]);
  return { stream, session: session ?? null, playbackIds: pbs, channelId: channel?.channelId ?? null };
}

/** Views for a page of streams in two queries, not two per stream. */
export async function loadStreamViews(db: Db, rows: StreamRow[]): Promise<StreamView[]> {
  if (!rows.length) return [];
  const sessionIds = rows.map((r) => r.currentSessionId).filter((id): id is string => id !== null);
  const streamIds = rows.map((r) => r.id);
  const [sessions, pbs, joins] = await Promise.all([
    sessionIds.length ? db.select().from(streamSessions).where(inArray(streamSessions.id, sessionIds)) : [],
    db.select().from(playbackIds).where(inArray(playbackIds.streamId, streamIds)).orderBy(desc(playbackIds.createdAt)),
    db.select().from(channelStreams).where(inArray(channelStreams.streamId, streamIds)),
  ]);
  const sessionById = new Map(sessions.map((x) => [x.id, x]));
  const channelOf = new Map(joins.map((j) => [j.streamId, j.channelId]));
  return rows.map((stream) => ({
    stream,
    session: (stream.currentSessionId && sessionById.get(stream.currentSessionId)) || null,
    playbackIds: pbs.filter((p) => p.streamId === stream.id),
    channelId: channelOf.get(stream.id) ?? null,
  }));
}

/** The stream as events carry it (no key), or null when it has been deleted meanwhile. */
export async function streamEventData(db: Db, streamId: string) {
  const row = await db.query.streams.findFirst({ where: eq(streams.id, streamId) });
  return row ? renderStream(await loadStreamView(db, row), { streamKey: null }) : null;
}
