import type { youtube_v3 } from '@googleapis/youtube';

/**
 * One page of YouTube's `liveChatMessages.list` as the room takes it: the chat lines (text
 * messages and Super Chats with a comment; joins, polls, deletions and the like carry no line for
 * the room), the token of the next page and when to ask for it. Pure, so it is pinned by unit
 * tests on responses shaped as YouTube documents them.
 */
export interface YouTubePage {
  messages: { author: string; text: string; id: string | null; authorId: string | null }[];
  /** Ids of earlier messages deleted there (`messageDeletedEvent`), in page order. */
  deleted: string[];
  nextPageToken: string | null;
  /** YouTube says how long to wait; we never ask more often than once a second. */
  pollAfterMs: number;
  /** The broadcast has ended: the chat will not say anything more. */
  ended: boolean;
}

export const MIN_POLL_MS = 1000;
const DEFAULT_POLL_MS = 5000;

const TEXT_TYPES = new Set(['textMessageEvent', 'superChatEvent', 'memberMilestoneChatEvent']);

export function readChatPage(res: youtube_v3.Schema$LiveChatMessageListResponse): YouTubePage {
  const messages: YouTubePage['messages'] = [];
  const deleted: string[] = [];
  for (const item of res.items ?? []) {
    const s = item.snippet;
    const gone = s?.type === 'messageDeletedEvent' ? s.messageDeletedDetails?.deletedMessageId : null;
    if (gone) deleted.push(gone);
    if (!s?.type || !TEXT_TYPES.has(s.type)) continue;
    const text =
      s.textMessageDetails?.messageText ??
      s.superChatDetails?.userComment ??
      s.memberMilestoneChatDetails?.userComment ??
      s.displayMessage ??
      '';
    const author = item.authorDetails?.displayName ?? '';
    if (!text.trim() || !author) continue;
    messages.push({
      author,
      text,
      id: item.id ?? null,
      authorId: item.authorDetails?.channelId ?? s.authorChannelId ?? null,
    });
  }
  return {
    messages,
    deleted,
    nextPageToken: res.nextPageToken ?? null,
    pollAfterMs: Math.max(MIN_POLL_MS, res.pollingIntervalMillis ?? DEFAULT_POLL_MS),
    ended: Boolean(res.offlineAt),
  };
}

/** The reason Google's error envelope gives (`liveChatEnded`, `forbidden`, `quotaExceeded`...), for `last_error`. */
export function googleErrorOf(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { status?: number; data?: unknown } };
  const data = e.response?.data as { error?: { message?: string; errors?: { reason?: string }[] } } | undefined;
  const reason = data?.error?.errors?.[0]?.reason;
  const status = e.response?.status ?? e.status;
  const message = data?.error?.message ?? e.message ?? String(err);
  return `YouTube${status ? ` ${status}` : ''}${reason ? ` ${reason}` : ''}: ${message}`.slice(0, 300);
}
