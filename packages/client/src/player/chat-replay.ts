/// <reference lib="dom" />

/**
 * Chat replay on a recording's timeline (issue 14), for the embed page and `<EdgelivePlayer
 * chatReplay />`: the asset's chat (`GET /chat-replay/{playback_id}`, the same messages as
 * `GET /v1/assets/{id}/chat`) is loaded once, then the messages sent up to the playhead are
 * shown, following `timeupdate` and `seeked`, so a seek back hides what was said later.
 */
export interface ReplayMessage {
  id: string;
  name: string | null;
  text: string;
  /** Seconds into the asset's media when it was sent. */
  media_time_s: number;
  sent_at: string;
}

export const chatReplayUrl = (baseUrl: string, playbackId: string, token?: string) =>
  `${baseUrl}/chat-replay/${playbackId}${token ? `?token=${encodeURIComponent(token)}` : ''}`;

/** Every page of the replay, oldest first (at most `maxPages` of 100: a bound on a huge chat). */
export async function loadChatReplay(url: string, maxPages = 50): Promise<ReplayMessage[]> {
  const out: ReplayMessage[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const u = new URL(url, typeof location === 'undefined' ? undefined : location.href);
    u.searchParams.set('limit', '100');
    if (cursor) u.searchParams.set('cursor', cursor);
    const res = await fetch(u);
    if (!res.ok) throw new Error(`chat replay: ${res.status}`);
    const body = (await res.json()) as { data: ReplayMessage[]; next_cursor: string | null };
    out.push(...body.data);
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  return out;
}

/** How many of `messages` (sorted by media time) were sent at or before `t`: a binary search. */
export function sentBy(messages: readonly ReplayMessage[], t: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (messages[mid]!.media_time_s <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Calls `onChange` with the messages up to the playhead whenever that set changes (played into,
 * or seeked out of); returns the function that stops listening. `last` bounds what is shown.
 */
export function followPlayhead(
  video: HTMLVideoElement,
  messages: readonly ReplayMessage[],
  onChange: (shown: ReplayMessage[]) => void,
  last = 50,
): () => void {
  let count = -1;
  const update = () => {
    const n = sentBy(messages, video.currentTime);
    if (n === count) return;
    count = n;
    onChange(messages.slice(Math.max(0, n - last), n));
  };
  const events = ['timeupdate', 'seeked', 'seeking', 'loadedmetadata'] as const;
  for (const e of events) video.addEventListener(e, update);
  update();
  return () => {
    for (const e of events) video.removeEventListener(e, update);
  };
}
