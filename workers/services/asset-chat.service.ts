import { eq } from 'drizzle-orm';
import type { AssetRow } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { assets, streamSessions, streams } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { decodeCursor, encodeCursor, type Page } from '../lib/pagination';
import { type ReplaySource, recordingChat } from './chat-replay.service';

/**
 * `GET /v1/assets/{id}/chat?from=&to=` (issue 14): the chat of the stream that recorded an asset,
 * on the asset's own media timeline. The recording's player time of each message is the watch
 * page's replay (chat-replay.service.ts: the frame that was live when it was sent, through the
 * playlist's program date times); a clip's timeline starts where it was cut, so its chat is its
 * parent's shifted.
 */

export interface AssetChatMessage {
  id: string;
  name: string | null;
  text: string;
  media_time_s: number;
  sent_at: string;
}

/** Where an asset sits in a recording: the recording (for the replay reader) and the asset's start in it. */
interface Placement {
  recording: ReplaySource;
  /** Seconds into the recording where this asset's media time 0 is (a clip's cut). */
  offsetS: number;
  durationS: number | null;
}

/** The recording an asset was cut from (or is), and where in it the asset starts; null without one. */
async function placementOf(db: Db, asset: AssetRow): Promise<Placement | null> {
  let root = asset;
  let offsetS = 0;
  // A clip (of a clip...) of a recording: its start is counted from its parent's timeline.
  for (let depth = 0; root.source === 'clip' && root.parentAssetId && depth < 20; depth++) {
    offsetS += root.clipStartS ?? 0;
    const parent = await db.query.assets.findFirst({ where: eq(assets.id, root.parentAssetId) });
    if (!parent) return null;
    root = parent;
  }
  if (root.source !== 'live_session' || !root.streamId || !root.sessionId) return null;
  const [stream, session] = await Promise.all([
    db.query.streams.findFirst({ where: eq(streams.id, root.streamId), columns: { roomId: true } }),
    db.query.streamSessions.findFirst({ where: eq(streamSessions.id, root.sessionId) }),
  ]);
  if (!stream?.roomId || !session) return null;
  return {
    recording: {
      room_id: stream.roomId,
      stream_id: root.streamId,
      session_id: root.sessionId,
      renditions: root.renditions,
      started_ms: session.startedAt,
      ended_ms: session.endedAt,
      duration_s: root.durationS,
    },
    offsetS,
    durationS: asset.durationS,
  };
}

export async function assetChat(
  db: Db,
  env: Env,
  asset: AssetRow,
  q: { from?: number; to?: number; limit: number; cursor?: string },
): Promise<Page<AssetChatMessage>> {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const place = await placementOf(db, asset);
  const from = q.from ?? 0;
  const to = Math.min(q.to ?? Number.POSITIVE_INFINITY, place?.durationS ?? Number.POSITIVE_INFINITY);
  if (!place || to <= from) return { data: [], next_cursor: null };
  // The recording's player time of each message (the watch page's replay: through the playlist's
  // program date times), moved onto this asset's timeline.
  const replay = await recordingChat(env, place.recording);
  const messages = replay.messages
    .map((m) => ({ ...m, ms: Math.round((m.at_s - place.offsetS) * 1000) }))
    .filter((m) => m.ms >= from * 1000 && m.ms <= to * 1000)
    .sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : 1))
    .filter((m) => !after || m.ms > after.t || (m.ms === after.t && m.id > after.id));
  const kept = messages.slice(0, q.limit);
  const last = kept[kept.length - 1];
  return {
    data: kept.map((m) => ({
      id: m.id,
      name: m.name,
      text: m.text,
      media_time_s: m.ms / 1000,
      sent_at: m.sent_at,
    })),
    next_cursor: messages.length > q.limit && last ? encodeCursor({ t: last.ms, id: last.id }) : null,
  };
}
