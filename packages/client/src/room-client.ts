import {
  CLOSE,
  type ClientFrameInput,
  type Counts,
  type Member,
  type Message,
  type PublicSettings,
  type Restrictions,
  ServerFrame,
  type ServerFrameOf,
  TERMINAL_CLOSE_CODES,
} from '@edgelive/shared';
import ReconnectingWebSocket from 'partysocket/ws';

/** The little of a WebSocket the client uses, so tests (and other runtimes) can supply their own. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** Drop the connection and dial again now (partysocket has it). */
  reconnect?(): void;
  addEventListener(type: 'open', cb: () => void): void;
  addEventListener(type: 'message', cb: (e: { data: unknown }) => void): void;
  addEventListener(type: 'close', cb: (e: { code: number; reason: string }) => void): void;
}

export type Status = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RoomClientOptions {
  /** The API's origin, e.g. `https://api.example.com` (ws/wss is derived). */
  baseUrl: string;
  roomId: string;
  /**
   * The socket's path; `/v1/rooms/{roomId}/ws` (chat tokens) by default. The console uses
   * `/v1/apps/{app_id}/rooms/{room_id}/ws`, where its session cookie is the credential.
   */
  path?: string;
  /**
   * A chat token, or a function returning a fresh one for every (re)connect; omit for anonymous
   * viewers. When the server closes the socket because the token expired (`CLOSE.tokenExpired`),
   * the client reconnects and asks the function for a new token; with a fixed string it
   * stops (`state.closed`), since dialling again with the same token would be refused.
   */
  token?: string | (() => string | Promise<string>);
  /** The same as a `token` function (for code that names it so); used when both are given. */
  getToken?: () => string | Promise<string>;
  /** Resume after this message id on the first connect (e.g. restored from storage). */
  since?: string;
  /** A WebSocket constructor for runtimes without a global one (Node < 22: `ws`). */
  WebSocket?: unknown;
  /** Replaces the partysocket transport; `url` is called on every (re)connect. */
  socket?: (url: () => Promise<string>, shouldReconnect: (code: number) => boolean) => SocketLike;
  /** Messages kept in memory; older ones are dropped from `state.messages`. */
  keep?: number;
}

export interface RoomState {
  status: Status;
  /** Oldest first, de-duplicated by id. */
  messages: Message[];
  present: Member[];
  counts: Counts;
  you: (Member & { anonymous: boolean; restrictions: Restrictions }) | null;
  settings: PublicSettings | null;
  typing: Member[];
  /** Set when the server closed for good (banned, room deleted, token expired with no way to renew it). */
  closed: { code: number; reason: string } | null;
}

type Listener<T> = (value: T) => void;
type EventMap = { [K in ServerFrame['type']]: ServerFrameOf<K> } & { state: RoomState; status: Status };

export class RoomError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

const TYPING_TTL_MS = 5000;

/**
 * A room connection that survives network trouble: partysocket reconnects with backoff, every
 * reconnect asks for the messages after the last one seen (`since`), and sends that were not yet
 * acknowledged are sent again with the same client id, which the server de-duplicates.
 */
export class RoomClient {
  private socket: SocketLike | null = null;
  private readonly listeners = new Map<keyof EventMap, Set<Listener<never>>>();
  private readonly outbox = new Map<
    string,
    { frame: ClientFrameInput; resolve: (m: Message) => void; reject: (e: RoomError) => void }
  >();
  private readonly byId = new Map<string, Message>();
  private readonly typingUntil = new Map<string, { member: Member; until: number }>();
  private lastSeen: { id: string; seq: number } | null = null;
  private counter = 0;
  private connectedOnce = false;
  state: RoomState = {
    status: 'connecting',
    messages: [],
    present: [],
    counts: { viewers: 0, viewers_from: 'sockets', connections: 0, video_viewers: null, members: 0 },
    you: null,
    settings: null,
    typing: [],
    closed: null,
  };

  constructor(private readonly opts: RoomClientOptions) {
    if (opts.since) this.lastSeen = { id: opts.since, seq: -1 };
  }

  /** The id a reconnect resumes after. */
  get lastSeenId(): string | null {
    return this.lastSeen?.id ?? null;
  }

  /** Where fresh tokens come from, if anywhere. */
  private get tokenSource(): (() => string | Promise<string>) | null {
    return this.opts.getToken ?? (typeof this.opts.token === 'function' ? this.opts.token : null);
  }

  /** Close codes after which this client does not dial again by itself. */
  private isFinal(code: number) {
    return TERMINAL_CLOSE_CODES.includes(code) || (code === CLOSE.tokenExpired && !this.tokenSource);
  }

  connect(): this {
    if (this.socket) return this;
    const url = async () => {
      const u = new URL(
        this.opts.path ?? `/v1/rooms/${encodeURIComponent(this.opts.roomId)}/ws`,
        this.opts.baseUrl.replace(/^http/, 'ws'),
      );
      const source = this.tokenSource;
      const token = source ? await source() : (this.opts.token as string | undefined);
      if (token) u.searchParams.set('token', token);
      if (this.lastSeen) u.searchParams.set('since', this.lastSeen.id);
      return u.toString();
    };
    // After the server's 1012 `reconnect` (a big room moving the socket to another shard) the
    // client dials again at once (below), not after partysocket's backoff: the server asked for it.
    const shouldReconnect = (code: number) => !this.isFinal(code) && code !== CLOSE.reconnect;
    this.socket = this.opts.socket
      ? this.opts.socket(url, shouldReconnect)
      : (new ReconnectingWebSocket(url, undefined, {
          WebSocket: this.opts.WebSocket,
          // Our own outbox resends unacknowledged frames; partysocket's queue would send them twice.
          maxEnqueuedMessages: 0,
          shouldReconnectOnClose: (e) => shouldReconnect(e.code),
        }) as unknown as SocketLike);
    this.socket.addEventListener('message', (e) => this.onData(e.data));
    this.socket.addEventListener('close', (e) => this.onClose(e.code, e.reason));
    return this;
  }

  /** Reconnect now (say, when the network came back); the resume picks up where this left off. */
  reconnect() {
    this.socket?.reconnect?.();
  }

  close() {
    this.socket?.close(1000, 'bye');
    this.setState({ status: 'closed' });
  }

  on<K extends keyof EventMap>(type: K, cb: Listener<EventMap[K]>): () => void {
    const set = this.listeners.get(type) ?? new Set();
    this.listeners.set(type, set);
    set.add(cb as Listener<never>);
    return () => set.delete(cb as Listener<never>);
  }

  private emit<K extends keyof EventMap>(type: K, value: EventMap[K]) {
    for (const cb of this.listeners.get(type) ?? []) (cb as Listener<EventMap[K]>)(value);
  }

  private setState(patch: Partial<RoomState>) {
    const before = this.state.status;
    this.state = { ...this.state, ...patch };
    if (patch.status && patch.status !== before) this.emit('status', patch.status);
    this.emit('state', this.state);
  }

  // ---- sending ----

  private raw(frame: ClientFrameInput) {
    if (this.state.status === 'open') this.socket?.send(JSON.stringify(frame));
  }

  /** Resolves with the stored message once the server acknowledges it; rejects with the server's refusal. */
  send(text: string, replyTo?: string): Promise<Message> {
    const client_id = `${Date.now().toString(36)}-${(this.counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const frame: ClientFrameInput = { type: 'send', client_id, text, ...(replyTo ? { reply_to: replyTo } : {}) };
    return new Promise((resolve, reject) => {
      this.outbox.set(client_id, { frame, resolve, reject });
      this.raw(frame);
    });
  }

  edit(messageId: string, text: string) {
    this.raw({ type: 'edit', message_id: messageId, text });
  }
  delete(messageId: string) {
    this.raw({ type: 'delete', message_id: messageId });
  }
  react(messageId: string, emoji: string, on = true) {
    this.raw({ type: 'react', message_id: messageId, emoji, on });
  }
  burst(emoji: string, count = 1) {
    this.raw({ type: 'burst', emoji, count });
  }
  typing(on = true) {
    this.raw({ type: 'typing', on });
  }
  flag(messageId: string, reason?: string) {
    this.raw({ type: 'flag', message_id: messageId, ...(reason ? { reason } : {}) });
  }
  loadOlder(limit = 50) {
    const oldest = this.state.messages[0];
    this.raw({ type: 'history', limit, ...(oldest ? { before: oldest.id } : {}) });
  }
  moderate(
    action: 'ban' | 'unban' | 'mute' | 'unmute' | 'shadow_ban' | 'unshadow_ban',
    userId: string,
    durationSeconds?: number,
  ) {
    this.raw({
      type: 'moderate',
      action,
      user_id: userId,
      ...(durationSeconds ? { duration_seconds: durationSeconds } : {}),
    });
  }

  // ---- receiving ----

  private onData(data: unknown) {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) return; // a newer server's frame this client does not know: ignore it
    this.handle(parsed.data);
  }

  /** Applies one server frame to the state; exposed for tests and custom transports. */
  handle(f: ServerFrame) {
    switch (f.type) {
      case 'snapshot': {
        if (!f.resumed) this.byId.clear();
        for (const m of f.messages) this.remember(m);
        // What changed while this client was away: edits and reactions replace, deletions drop.
        for (const m of f.changed ?? []) if (this.byId.has(m.id)) this.byId.set(m.id, m);
        for (const id of f.deleted ?? []) this.byId.delete(id);
        this.connectedOnce = true;
        this.setState({
          status: 'open',
          present: f.present,
          counts: f.counts,
          you: f.you,
          settings: f.room.settings,
          messages: this.ordered(),
          closed: null,
        });
        // Unacknowledged sends go again with the same client id: the server answers a duplicate with the original.
        for (const { frame } of this.outbox.values()) this.raw(frame);
        break;
      }
      case 'message':
        if (!this.remember(f.message)) return; // already had it (e.g. delivered in a resume)
        this.setState({ messages: this.ordered() });
        break;
      case 'ack': {
        this.remember(f.message);
        this.outbox.get(f.client_id)?.resolve(f.message);
        this.outbox.delete(f.client_id);
        this.setState({ messages: this.ordered() });
        break;
      }
      case 'message_updated':
        if (this.byId.has(f.message.id)) {
          this.byId.set(f.message.id, f.message);
          this.setState({ messages: this.ordered() });
        }
        break;
      case 'message_deleted':
        if (this.byId.delete(f.message_id)) this.setState({ messages: this.ordered() });
        break;
      case 'reactions': {
        const m = this.byId.get(f.message_id);
        if (m) {
          this.byId.set(m.id, { ...m, reactions: f.reactions });
          this.setState({ messages: this.ordered() });
        }
        break;
      }
      case 'history':
        for (const m of f.messages) this.byId.set(m.id, m);
        this.setState({ messages: this.ordered() });
        break;
      case 'presence': {
        const others = this.state.present.filter((p) => p.id !== f.user.id);
        this.setState({ present: f.event === 'join' ? [...others, f.user] : others });
        break;
      }
      case 'counts':
        this.setState({ counts: f.counts });
        break;
      case 'typing': {
        if (f.on) this.typingUntil.set(f.user.id, { member: f.user, until: Date.now() + TYPING_TTL_MS });
        else this.typingUntil.delete(f.user.id);
        this.setState({ typing: this.currentTyping() });
        break;
      }
      case 'room_updated':
        this.setState({ settings: f.settings });
        break;
      case 'moderation':
        if (f.action === 'message_deleted' && f.message_id && this.byId.delete(f.message_id))
          this.setState({ messages: this.ordered() });
        if (this.state.you && f.user_id === this.state.you.id && (f.action === 'mute' || f.action === 'unmute')) {
          const muted = f.action === 'mute';
          this.setState({
            you: {
              ...this.state.you,
              restrictions: { ...this.state.you.restrictions, muted, muted_until: muted ? f.until : null },
            },
          });
        }
        break;
      case 'error': {
        const pending = f.ref !== undefined ? this.outbox.get(f.ref) : undefined;
        if (pending) {
          this.outbox.delete(f.ref!);
          pending.reject(new RoomError(f.code, f.message, f.retry_after));
        }
        break;
      }
      // The stream's state: listeners (`on('stream_status')`, the watch page) act on it.
      case 'stream_status':
      case 'burst':
      case 'pong':
        break;
      case 'batch':
        // A tick's frames in one: each is handled (and emitted) as if it had come on its own.
        this.emit('batch', f);
        for (const inner of f.frames) {
          const parsed = ServerFrame.safeParse(inner);
          if (parsed.success && parsed.data.type !== 'batch') this.handle(parsed.data);
        }
        return;
    }
    this.emit(f.type, f as never);
  }

  private remember(m: Message): boolean {
    const known = this.byId.has(m.id);
    this.byId.set(m.id, m);
    if (!this.lastSeen || m.seq > this.lastSeen.seq) this.lastSeen = { id: m.id, seq: m.seq };
    if (this.opts.keep && this.byId.size > this.opts.keep) {
      const oldest = [...this.byId.values()].sort((a, b) => a.seq - b.seq)[0];
      if (oldest) this.byId.delete(oldest.id);
    }
    return !known;
  }

  private ordered(): Message[] {
    return [...this.byId.values()].sort((a, b) => a.seq - b.seq);
  }

  private currentTyping(): Member[] {
    const now = Date.now();
    for (const [id, t] of this.typingUntil) if (t.until <= now) this.typingUntil.delete(id);
    return [...this.typingUntil.values()].map((t) => t.member);
  }

  private onClose(code: number, reason: string) {
    if (this.isFinal(code)) {
      const why = code === CLOSE.banned ? 'banned' : code === CLOSE.roomDeleted ? 'room_deleted' : 'token_expired';
      for (const p of this.outbox.values()) p.reject(new RoomError(why, reason || 'closed'));
      this.outbox.clear();
      this.setState({ status: 'closed', closed: { code, reason } });
      return;
    }
    // After `CLOSE.tokenExpired` the transport dials again and `url()` asks the token source anew.
    if (this.state.status !== 'closed') this.setState({ status: this.connectedOnce ? 'reconnecting' : 'connecting' });
    if (code === CLOSE.reconnect && this.state.status !== 'closed') this.socket?.reconnect?.();
  }
}
