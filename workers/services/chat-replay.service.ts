import { LIMITS, type Message } from '@edgelive/shared';
import type { Env } from '../../core/env';
import { recordingKey } from '../../core/media-keys';
import { roomStub } from '../../core/stubs';
import { parseTimeline, playerClock, timelineLength } from './recording-timeline';
import type { WatchRecording } from './watch.service';

/**
 * The chat of one past broadcast, for replay beside its recording: the room's messages whose time
 * falls inside the session, oldest first, each with the player time it belongs at (`at_s`).
 * That time comes from the recording's own playlist (recording-timeline.ts: every segment's
 * program date time), so a message sent while frame X was live shows when frame X plays, whatever
 * the ingest start-up delay or a reconnect gap; only a recording whose playlist cannot be read
 * falls back to counting from the session's start.
 * The room keeps one history, newest first; pages are read back from the newest until they reach
 * the session's start, at most MAX_PAGES of them, so a room that talked for days after a session
 * replays what the last pages hold.
 */
const MAX_PAGES = 20;
const MAX_MESSAGES = 2000;

export interface ReplayMessage {
  id: string;
  name: string | null;
  text: string;
  at_s: number;
  /** When it was sent (the room's `created_at`). */
  sent_at: string;
}

/** What the replay reads of a recording: its room, its session's span and its playlists. */
export type ReplaySource = Pick<
  WatchRecording,
  'room_id' | 'started_ms' | 'ended_ms' | 'stream_id' | 'session_id' | 'renditions' | 'duration_s'
>;

export interface ChatReplay {
  /** Wall clock of the recording's first frame (player time 0), when the playlist says. */
  recording_started_at: string | null;
  duration_s: number | null;
  messages: ReplayMessage[];
}

async function sessionMessages(env: Env, roomId: string, startedAt: number, endedAt: number | null) {
  const stub = roomStub(env, roomId);
  const end = endedAt ?? Date.now();
  const kept: Message[] = [];
  let beforeSeq: number | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await stub.listMessages({ limit: LIMITS.maxPage, beforeSeq });
    if (!page.ok) break;
    for (const m of page.messages) {
      const t = Date.parse(m.created_at);
      if (t >= startedAt && t <= end) kept.push(m);
    }
    const oldest = page.messages[page.messages.length - 1];
    if (!page.has_more || !oldest || Date.parse(oldest.created_at) < startedAt) break;
    beforeSeq = oldest.seq;
  }
  return kept.sort((a, b) => a.seq - b.seq).slice(-MAX_MESSAGES);
}

/** The recording's timeline, from the playlist of its first rendition (all renditions are cut alike). */
async function timelineOf(env: Env, r: ReplaySource) {
  const first = r.renditions[0];
  if (!first) return [];
  const obj = await env.MEDIA.get(recordingKey(r.stream_id, r.session_id, first));
  return obj ? parseTimeline(await obj.text()) : [];
}

export async function recordingChat(env: Env, r: ReplaySource): Promise<ChatReplay> {
  if (!r.room_id) return { recording_started_at: null, duration_s: r.duration_s, messages: [] };
  const [messages, timeline] = await Promise.all([
    sessionMessages(env, r.room_id, r.started_ms, r.ended_ms),
    timelineOf(env, r),
  ]);
  const clock = playerClock(timeline);
  const head = timeline[0];
  const firstFrame = head ? head.pdt - head.start * 1000 : null;
  return {
    recording_started_at: firstFrame === null ? null : new Date(firstFrame).toISOString(),
    duration_s: timeline.length ? timelineLength(timeline) : r.duration_s,
    messages: messages.map((m) => {
      const at = Date.parse(m.created_at);
      return {
        id: m.id,
        name: m.user?.name ?? m.user?.id ?? null,
        text: m.text,
        at_s: clock(at) ?? Math.max(0, (at - r.started_ms) / 1000),
        sent_at: m.created_at,
      };
    }),
  };
}
