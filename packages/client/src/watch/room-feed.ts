/// <reference lib="dom" />
import type { Counts, Member, Message, Restrictions, ServerFrame, StreamStatus } from '@edgelive/shared';

/**
 * The watch page's room connection: read the chat, the viewer count and the stream's status; send
 * when the viewer has a chat token. The full SDK client (room-client.ts) validates every frame with
 * the shared zod schemas, which would triple this page's script; a page served by the same Worker
 * as the room trusts its frames' types instead. Reconnects with backoff and resumes after the last
 * message seen, as the SDK does.
 */
export interface FeedState {
  messages: Message[];
  counts: Counts;
  you: (Member & { anonymous: boolean; restrictions: Restrictions }) | null;
}

export interface FeedHandlers {
  onState(s: FeedState): void;
  onStatus(s: StreamStatus): void;
  /** A refusal of something this socket sent (muted, forbidden, ...), or a moderation notice. */
  onNotice?(text: string): void;
}

/** What a moderator can do from the page (the room checks the role again). */
export type ModAction = 'ban' | 'mute';

const KEEP = 200;

export class RoomFeed {
  private ws: WebSocket | null = null;
  private closed = false;
  private attempt = 0;
  private lastId: string | null = null;
  private counter = 0;
  readonly state: FeedState = {
    messages: [],
    counts: { viewers: 0, viewers_from: 'sockets', connections: 0, video_viewers: null, members: 0 },
    you: null,
  };

  constructor(
    private readonly url: string,
    private readonly h: FeedHandlers,
  ) {}

  connect(): this {
    const u = new URL(this.url);
    if (this.lastId) u.searchParams.set('since', this.lastId);
    const ws = new WebSocket(u);
    this.ws = ws;
    ws.onmessage = (e) => this.frame(JSON.parse(e.data as string) as ServerFrame);
    ws.onopen = () => {
      this.attempt = 0;
    };
    ws.onclose = (e) => {
      if (e.code === 4003) {
        // Banned: the page goes read-only and says why.
        this.state.you = null;
        this.h.onState(this.state);
        this.h.onNotice?.('You were banned from this chat.');
      }
      // 4xxx codes are final (banned, room deleted, token expired): do not dial again.
      if (this.closed || (e.code >= 4000 && e.code < 5000)) return;
      setTimeout(() => this.connect(), Math.min(10_000, 500 * 2 ** this.attempt++));
    };
    return this;
  }

  close() {
    this.closed = true;
    this.ws?.close(1000);
  }

  send(text: string) {
    this.ws?.send(JSON.stringify({ type: 'send', client_id: `w${Date.now().toString(36)}${this.counter++}`, text }));
  }

  /** Moderators and admins: removes anyone's message for everyone. */
  deleteMessage(messageId: string) {
    this.ws?.send(JSON.stringify({ type: 'delete', message_id: messageId }));
  }

  /** Moderators and admins: a timeout (`mute` with a duration) or a ban of a user of this room. */
  moderate(action: ModAction, userId: string, durationSeconds?: number) {
    const f = {
      type: 'moderate',
      action,
      user_id: userId,
      ...(durationSeconds ? { duration_seconds: durationSeconds } : {}),
    };
    this.ws?.send(JSON.stringify(f));
  }

  private put(m: Message) {
    const list = this.state.messages.filter((x) => x.id !== m.id);
    list.push(m);
    list.sort((a, b) => a.seq - b.seq);
    this.state.messages = list.slice(-KEEP);
    this.lastId = this.state.messages[this.state.messages.length - 1]?.id ?? this.lastId;
  }

  private frame(f: ServerFrame) {
    switch (f.type) {
      case 'snapshot':
        if (!f.resumed) this.state.messages = [];
        for (const m of f.messages) this.put(m);
        this.state.counts = f.counts;
        this.state.you = f.you;
        break;
      case 'message':
      case 'ack':
        this.put(f.message);
        break;
      case 'message_deleted':
        this.state.messages = this.state.messages.filter((m) => m.id !== f.message_id);
        break;
      case 'counts':
        this.state.counts = f.counts;
        break;
      case 'stream_status':
        this.h.onStatus(f.stream);
        return;
      case 'batch':
        for (const inner of f.frames) this.frame(inner as ServerFrame);
        return;
      case 'error':
        this.h.onNotice?.(f.message);
        return;
      case 'moderation':
        if (f.action === 'ban' || f.action === 'mute')
          this.h.onNotice?.(`${f.user_id} ${f.action === 'ban' ? 'was banned' : 'was timed out'}`);
        return;
      default:
        return;
    }
    this.h.onState(this.state);
  }
}
