import { eq } from 'drizzle-orm';
import type { AssetRow } from '../../core/asset-views';
import type { Db } from '../../core/db/client';
import { assets, streamSessions, streams } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { recordingKey } from '../../core/media-keys';
import { iso } from '../../core/time';
import { decodeCursor, encodeCursor, type Page } from '../lib/pagination';
import { recordingChat } from './chat-replay.service';

/**
 * `GET /v1/assets/{id}/chat?from=&to=` (issue 14): the chat of the stream that recorded an asset,
 * on the asset's own media timeline. Media time 0 of a recording is its first segment's
 * PROGRAM-DATE-TIME (the wall clock of its first frame), so a message's media time is when it was
 * sent minus that; a clip's timeline starts where it was cut, so its chat is its parent's shifted.
 * The room's messages come from the same reader as the watch page's replay (chat-replay.service.ts).
 */

export interface AssetChatMessage {
  id: string;
  name: string | null;
  text: string;
  media_time_s: number;
  sent_at: string;
}

interface Timeline {
  roomId: string;
  /** Wall-clock ms of this asset's media time 0. */
  zeroMs: number;
  durationS: number | null;
  /** When the session ended: what was said after it is not on any recording's timeline. */
  endedMs: number | null;
}

const firstPdt = (playlist: string) => {
  const m = /#EXT-X-PROGRAM-DATE-TIME:(\S+)/.exec(playlist);
  const t = m ? Date.parse(m[1]!) : Number.NaN;
  return Number.isFinite(t) ? t : null;
};

/** Where the asset's timeline sits on the wall clock, and the room it was talked about in; null without one. */
async function timelineOf(db: Db, env: Env, asset: AssetRow): Promise<Timeline | null> {
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
  const rendition = root.renditions[0];
  const playlist = rendition ? await env.MEDIA.get(recordingKey(root.streamId, root.sessionId, rendition)) : null;
  const zero = (playlist && firstPdt(await playlist.text())) ?? session.startedAt;
  return { roomId: stream.roomId, zeroMs: zero + offsetS * 1000, durationS: asset.durationS, endedMs: session.endedAt };
}

export async function assetChat(
  db: Db,
  env: Env,
  asset: AssetRow,
  q: { from?: number; to?: number; limit: number; cursor?: string },
): Promise<Page<AssetChatMessage>> {
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  const tl = await timelineOf(db, env, asset);
  const from = q.from ?? 0;
  const to = Math.min(q.to ?? Number.POSITIVE_INFINITY, tl?.durationS ?? Number.POSITIVE_INFINITY);
  if (!tl || to <= from) return { data: [], next_cursor: null };
  const startMs = tl.zeroMs + from * 1000;
  const ends = [Number.isFinite(to) ? tl.zeroMs + to * 1000 : null, tl.endedMs].filter((n): n is number => n !== null);
  const endMs = ends.length ? Math.min(...ends) : null;
  const messages = (await recordingChat(env, tl.roomId, startMs, endMs))
    .map((m) => ({ ...m, ms: Math.round(from * 1000 + m.at_s * 1000) }))
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
      sent_at: iso(tl.zeroMs + m.ms)!,
    })),
    next_cursor: messages.length > q.limit && last ? encodeCursor({ t: last.ms, id: last.id }) : null,
  };
}
