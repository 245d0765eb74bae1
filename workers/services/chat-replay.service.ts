import { LIMITS, type Message } from '@edgelive/shared';
import type { Env } from '../../core/env';
import { roomStub } from '../../core/stubs';

/**
 * The chat of one past broadcast, for replay beside its recording: the room's messages whose time
 * falls inside the session, oldest first, each with its offset from the session's start (the
 * recording starts with the session's first segment, so the offset lines up within a segment).
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
}

export async function recordingChat(
  env: Env,
  roomId: string,
  startedAt: number,
  endedAt: number | null,
): Promise<ReplayMessage[]> {
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
  return kept
    .sort((a, b) => a.seq - b.seq)
    .slice(-MAX_MESSAGES)
    .map((m) => ({
      id: m.id,
      name: m.user?.name ?? m.user?.id ?? null,
      text: m.text,
      at_s: Math.max(0, (Date.parse(m.created_at) - startedAt) / 1000),
    }));
}
