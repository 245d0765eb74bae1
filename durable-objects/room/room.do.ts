import { DurableObject } from 'cloudflare:workers';
import {
  CLOSE,
  type ClientFrame,
  type EventType,
  LIMITS,
  type Message,
  type ServerFrameOf,
  type StreamStatus,
} from '@edgelive/shared';
import { EVENT_RETRY_MS, EventOutbox } from '../../core/do/event-outbox';
import { Scheduler } from '../../core/do/scheduler';
import { safeClose } from '../../core/do/socket-frames';
import { wipeObject } from '../../core/do/wipe';
import type { Env } from '../../core/env';
import { usageRecorder } from '../../core/usage/recorder';
import type { ShardReport } from '../room-shard/contract';
import { type CompiledBlocklist, compileBlocklist } from './blocklist';
import { Chat } from './chat';
import { chatActivity } from './chat-activity';
import { ChatConnectors, CONNECTOR_POLL } from './chat-connectors';
import {
  ADDRESS_HEADER,
  APP_BAN_HEADER,
  type ChatActivityBucket,
  type ChatActivityQuery,
  CONFIG_VERSION_HEADER,
  type ConnectorConfig,
  type ConnectorView,
  type DeleteMessageResult,
  type FlagPage,
  type HistoryQuery,
  IDENTITY_HEADER,
  type Identity,
  type ListMessagesResult,
  type ModerationInput,
  type ResolveFlagResult,
  type RestrictionKind,
  ROOM_ID_HEADER,
  type RoomConfig,
  SHARD_HEADER,
  type ShardJoinInput,
  type ShardJoinResult,
  SOCKET_REFUSALS,
  type SocketRefusal,
  TOKEN_EXPIRES_HEADER,
} from './contract';
import { FanOut } from './fanout';
import { FrameLimits } from './frame-limits';
import { parseFrame } from './frames';
import { LimitStore } from './limit-store';
import { MessagesRpc } from './messages-rpc';
import { Moderation } from './moderation';
import { type Attachment, addressOf, limitKey, loadRoomConfig } from './room-config';
import type { RoomContext } from './room-context';
import { memberOf, Presence } from './room-presence';
import { RoomStore } from './room-store';
import { errorFrame } from './send-policy';
import { asSocket, ShardLinks } from './shard-links';
import { publicSettings, snapshotFrame } from './snapshot';
import { StreamStatusBoard } from './stream-status';
import { TokenExpiry } from './token-expiry';
import { ViewerCounts } from './viewer-counts';

/** Pushes of viewer counts are coalesced to at most one per this interval. */
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/** Rooms with more connections than this stop sending presence join/leave frames (counts still go out). */
export const PRESENCE_LIVE_MAX = 200;

/** The per-socket attachment of a verified caller (room-config.ts). */
const attachmentOf = (identity: Identity, address: string | null, expires: number | undefined): Attachment => {
  const i = addressOf(identity, address);
  return {
    u: identity.id,
    n: identity.name,
    a: identity.avatar,
    r: identity.role,
    x: identity.anonymous ? 1 : 0,
    ...(expires ? { e: expires } : {}),
    ...(i ? { i } : {}),
  };
};

const refusal = (code: SocketRefusal) =>
  Response.json({ error: { code, message: SOCKET_REFUSALS[code].message } }, { status: SOCKET_REFUSALS[code].status });

/**
 * One chat room: wake-up, the socket hand-over, frame dispatch, the alarm and the RPC surface.
 * What frames do is in `chat.ts` (checked by `send-policy.ts`), restrictions in `moderation.ts`,
 * and everything that leaves goes through `fanout.ts`. Sockets are accepted with the Hibernation
 * API so an idle room costs nothing while its viewers stay connected; everything that must outlive
 * the instance is in the object's SQLite. The Worker authenticates before it gets here; this class
 * trusts the headers of `contract.ts`.
 */
export class RoomObject extends DurableObject<Env> {
  private readonly store: RoomStore;
  private readonly outbox: EventOutbox;
  private readonly presence = new Presence();
  private readonly out: FanOut;
  private readonly timers: Scheduler;
  private readonly limits = new FrameLimits();
  private readonly expiry = new TokenExpiry();
  private readonly chat: Chat;
  private readonly connectors: ChatConnectors;
  private readonly moderation: Moderation;
  private readonly messages: MessagesRpc;
  private readonly streamStatus: StreamStatusBoard;
  private readonly counts: ViewerCounts;
  private readonly shards: ShardLinks;
  private config: RoomConfig | null = null;
  private blocklist: CompiledBlocklist | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    // Synchronous, so no event can see a half-migrated schema; first, because the room's first
    // migration creates the `schedules` table the Scheduler would otherwise create.
    this.store.migrate();
    this.out = new FanOut(ctx);
    this.shards = new ShardLinks(env, ctx.storage.sql, this.presence, () => this.config?.roomId ?? null);
    this.out.remote = this.shards;
    // The tick's messages and rate-limit buckets are written at the start of its flush: one commit
    // per tick, and the output gate lets the tick's frames go once it is durable.
    const limitStore = new LimitStore(ctx.storage.sql);
    this.limits.restore(limitStore.load(Date.now()));
    this.out.beforeFlush(() => {
      this.store.writeQueued();
      if (this.limits.dirty) limitStore.save(this.limits.persisted());
    });
    this.timers = new Scheduler(ctx.storage.sql, ctx.storage);
    this.outbox = new EventOutbox(ctx.storage.sql);
    const room: RoomContext = {
      ctx,
      store: this.store,
      out: this.out,
      config: () => this.config,
      blocklist: () => this.blocklist,
      emit: (type, objectType, objectId, data) => this.emit(type, objectType, objectId, data),
      schedule: (name, at) => this.timers.schedule(name, at),
      leave: (ws) => this.leave(ws),
      meterMessage: (userId) => this.meterMessage(userId),
    };
    this.chat = new Chat(room, this.limits);
    this.connectors = new ChatConnectors(
      room,
      env,
      (c, m) => this.chat.external(c.kind, m.author, m.text, m.authorId ?? null, m.id ? `${c.id}:${m.id}` : null),
      (ref) => this.chat.externalDeleted(ref),
    );
    this.chat.onExternalRemoved = (ref) => this.connectors.removeUpstream(ref);
    this.moderation = new Moderation(room);
    this.messages = new MessagesRpc(this.store, this.out, this.chat);
    this.streamStatus = new StreamStatusBoard(this.store, this.out);
    this.counts = new ViewerCounts(this.presence, this.store, this.out, this.timers);
    // Answered by the runtime without waking the object: keep-alives cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    void ctx.blockConcurrencyWhile(async () => {
      const raw = this.store.getMeta('config');
      if (raw) this.applyConfig(JSON.parse(raw) as RoomConfig);
      // After hibernation the sockets are still here; only the in-memory indexes need rebuilding.
      for (const ws of ctx.getWebSockets()) {
        const a = ws.deserializeAttachment() as Attachment | null;
        if (a) this.presence.add(ws, a);
        if (a?.e) this.expiry.restore(ws, a.e);
      }
      // A new instance does not know when the alarm is armed: arming it for the earliest timer
      // keeps a later `schedule` from moving it past one that is already due sooner.
      await this.timers.rearm();
      // External chats reconnect when the object wakes (and on their alarm check).
      await this.connectors.ensure();
    });
  }

  /** Its app was deleted: nothing of it stays here (core/do/wipe.ts). */
  async wipe(): Promise<void> {
    await wipeObject(this.ctx);
  }

  // ---- configuration (RPC from the Worker) ----

  private applyConfig(c: RoomConfig) {
    this.config = c;
    this.blocklist = compileBlocklist(c.settings.blocklist);
  }

  configure(c: RoomConfig) {
    if (this.config && this.config.version > c.version) return;
    const before = this.config && JSON.stringify(publicSettings(this.config));
    this.store.setMeta('config', JSON.stringify(c));
    this.applyConfig(c);
    if (c.settings.retention_days) this.timers.schedule('retention', Date.now() + 1000);
    if (before !== null && before !== JSON.stringify(publicSettings(c))) {
      this.out.broadcast({ type: 'room_updated', settings: publicSettings(c) });
    }
  }

  private async ensureConfig(roomId: string, version: number) {
    if (this.config && this.config.version >= version) return true;
    const c = roomId ? await loadRoomConfig(this.env, roomId) : null;
    if (!c) return false;
    this.configure(c);
    return true;
  }

  /** The room's stream changed state (RPC from the stream's reactions). */
  setStreamStatus(s: StreamStatus) {
    this.streamStatus.update(s);
  }

  /** The room was deleted: everyone is told with a close code, and the storage goes. */
  async shutdown() {
    this.out.flush();
    for (const ws of this.ctx.getWebSockets()) safeClose(ws, CLOSE.roomDeleted, 'room deleted');
    this.shards.shutdown();
    this.config = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('expected a WebSocket', { status: 426 });
    const h = request.headers;
    const identity = JSON.parse(h.get(IDENTITY_HEADER) ?? 'null') as Identity | null;
    if (!identity || !(await this.ensureConfig(h.get(ROOM_ID_HEADER) ?? '', Number(h.get(CONFIG_VERSION_HEADER) ?? 0))))
      return refusal('unknown_room');
    const url = new URL(request.url);
    const now = Date.now();
    const expires = Number(h.get(TOKEN_EXPIRES_HEADER) ?? 0) * 1000 || undefined;
    const a = attachmentOf(identity, h.get(ADDRESS_HEADER), expires);
    const address = a.i;
    // A big room: the socket goes to an edge shard (the Worker hands it over; shard-links.ts).
    const shard = this.shards.route(limitKey(a), this.out.size, this.config!.settings);
    if (shard !== null) return new Response(null, { status: 307, headers: { [SHARD_HEADER]: String(shard) } });
    const banned = this.banState(identity.id, h.get(APP_BAN_HEADER), now);
    if (!banned && this.overCap(a)) return refusal('too_many_connections');
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    // Room frames come coalesced in `batch` frames unless the client asks for one frame each (batch=0).
    const batch = url.searchParams.get('batch') !== '0';
    this.ctx.acceptWebSocket(server, [
      `u:${identity.id}`,
      `r:${identity.anonymous ? 'anonymous' : identity.role}`,
      ...(address ? [`k:${limitKey(a)}`] : []),
      ...(batch ? [] : ['b:0']),
    ]);
    if (banned) {
      // The client learns why, then the socket goes with a code that tells its SDK not to come back.
      const retry = banned.until ? Math.ceil((banned.until - now) / 1000) : undefined;
      this.out.sendTo(server, errorFrame('banned', 'You are banned from this room.', { retry_after: retry }));
      server.close(CLOSE.banned, 'banned');
      return new Response(null, { status: 101, webSocket: client });
    }
    server.serializeAttachment(a);
    if (!identity.anonymous) this.store.setRank(identity.id, identity.role);
    if (expires && this.expiry.add(server, expires)) this.timers.schedule('expiry', expires);
    this.out.add(server, batch);
    const joined = this.presence.add(server, a);
    this.out.sendTo(
      server,
      snapshotFrame(this.store, this.presence, this.config!, identity, url.searchParams.get('since'), now),
    );
    this.streamStatus.greet(server);
    if (joined && this.presenceIsLive())
      this.out.broadcast({ type: 'presence', event: 'join', user: memberOf(a) }, server);
    this.counts.changed();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** One user (or, anonymously, one address) holds a bounded number of this room's sockets, its shards' too. */
  private overCap(a: Attachment) {
    const remote = this.shards.countFor(limitKey(a));
    if (a.i) return this.ctx.getWebSockets(`k:${limitKey(a)}`).length + remote >= LIMITS.maxAnonymousPerAddress;
    return this.ctx.getWebSockets(`u:${a.u}`).length + remote >= LIMITS.maxConnectionsPerUser;
  }

  // ---- edge shards (RPC from room-shard.do.ts) ----

  /**
   * A shard asks to take a socket on: the same checks as a socket of the room's own, then its
   * first frames. The queue is flushed first, so the snapshot covers exactly the deliveries up to
   * `upTo` and the shard sends the socket only those after it.
   */
  async shardJoin(j: ShardJoinInput): Promise<ShardJoinResult> {
    if (!(await this.ensureConfig(j.roomId, j.configVersion))) return { refused: 'unknown_room' };
    const now = Date.now();
    const a = attachmentOf(j.identity, j.address, j.expires ?? undefined);
    const banned = this.banState(j.identity.id, j.appBan, now);
    if (banned) {
      const retry = banned.until ? Math.ceil((banned.until - now) / 1000) : undefined;
      return { banned: JSON.stringify(errorFrame('banned', 'You are banned from this room.', { retry_after: retry })) };
    }
    if (this.overCap(a)) return { refused: 'too_many_connections' };
    this.out.flush();
    if (!j.identity.anonymous) this.store.setRank(j.identity.id, j.identity.role);
    const { rs, joined } = this.shards.join(j.k, j.id, a);
    const frames = [JSON.stringify(snapshotFrame(this.store, this.presence, this.config!, j.identity, j.since, now))];
    const status = this.streamStatus.frame();
    if (status) frames.push(JSON.stringify(status));
    if (joined && this.presenceIsLive())
      this.out.broadcast({ type: 'presence', event: 'join', user: memberOf(a) }, asSocket(rs));
    this.counts.changed();
    return { joined: { frames, epoch: this.shards.epoch, upTo: this.shards.lastDelivery(j.k) } };
  }

  /** A frame from a socket on shard `k`: handled exactly as one from the room's own sockets. */
  shardFrame(k: number, id: string, data: string | ArrayBuffer) {
    const r = this.shards.socket(k, id);
    if (!r) return this.shardsCall(k, id);
    if (this.config) this.frameFrom(asSocket(r.rs), r.a, data);
  }

  /** A socket the room does not know (it left): the shard closes it, and the client reconnects. */
  private shardsCall(k: number, id: string) {
    this.shards.call(k, 'closeSocket', (stub) => stub.closeSocket(id, CLOSE.reconnect, 'reconnect'));
  }

  /**
   * After the shard count changed, sockets on a shard their user no longer belongs on are asked to
   * reconnect (the SDK resumes with `since`; the Worker places it anew), a bounded number each
   * `counts` push: the moves' leaves and joins schedule the next push, so it goes on until none is left.
   */
  private moveMisplaced() {
    const s = this.config?.settings;
    if (!s) return;
    for (const rs of this.shards.misplaced(s, s.shard_moves_per_second)) rs.close(CLOSE.reconnect, 'reconnect');
  }

  /** A shard's sockets closed. */
  shardReport(r: ShardReport) {
    for (const { rs, a, last } of this.shards.leave(r.k, r.left)) {
      this.out.remove(asSocket(rs));
      if (!last) continue;
      this.limits.typing.delete(a.u);
      if (this.presenceIsLive()) this.out.broadcast({ type: 'presence', event: 'leave', user: memberOf(a) });
    }
    this.counts.changed();
  }

  /**
   * Join and leave frames cost one frame per viewer per arrival: quadratic when a big audience
   * arrives at once. Past this size the room reports only counts (pushed once a second).
   */
  private presenceIsLive() {
    return this.presence.counts().connections <= PRESENCE_LIVE_MAX;
  }

  private banState(userId: string, appBan: string | null, now: number): { until: number | null } | null {
    if (appBan) return { until: appBan === 'forever' ? null : Number(appBan) };
    const ban = this.store.restrictionsOf(userId, now).get('ban');
    return ban ? { until: ban.until } : null;
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer) {
    const a = ws.deserializeAttachment() as Attachment | null;
    if (a && this.config) this.frameFrom(ws, a, data);
  }

  private frameFrom(ws: WebSocket, a: Attachment, data: string | ArrayBuffer) {
    try {
      this.onFrame(ws, a, data);
    } finally {
      // Buckets the frame took from are written with the tick, so they survive an eviction.
      if (this.limits.dirty) this.out.requestFlush();
    }
  }

  private onFrame(ws: WebSocket, a: Attachment, data: string | ArrayBuffer) {
    // One budget per connection, then per user across every frame type and connection (per address when anonymous).
    const limited = this.limits.admit(ws, limitKey(a), a.r, Date.now());
    if (limited === 'drop') {
      safeClose(ws, CLOSE.policy, 'flooding');
      return this.leave(ws);
    }
    if (limited) return limited.tell ? this.out.sendTo(ws, limited.tell) : undefined;
    const parsed = parseFrame(data);
    if ('error' in parsed) return this.out.sendTo(ws, parsed.error);
    const f = parsed.frame;
    if (a.x && f.type !== 'history' && f.type !== 'ping')
      return this.out.sendTo(ws, errorFrame('read_only', 'Anonymous viewers can only read; sign in to take part.'));
    const refused = this.dispatch(ws, a, f);
    if (refused) this.out.sendTo(ws, refused);
  }

  private dispatch(ws: WebSocket, a: Attachment, f: ClientFrame) {
    switch (f.type) {
      case 'ping':
        this.out.sendTo(ws, { type: 'pong' });
        return null;
      case 'send': {
        const refused = this.chat.send(ws, a, f.client_id, f.text, f.reply_to ?? null);
        // Sent here: relayed to external chats that want it (never a shadow-banned user's).
        if (!refused && !this.store.restrictionsOf(a.u, Date.now()).has('shadow'))
          this.connectors.relay(memberOf(a).name ?? a.u, f.text);
        return refused;
      }
      case 'edit':
        return this.chat.edit(a, f.message_id, f.text);
      case 'delete':
        return this.chat.delete(a, f.message_id);
      case 'react':
        return this.chat.react(a, f.message_id, f.emoji, f.on);
      case 'burst':
        return this.chat.burst(a, f.emoji, f.count) ?? null;
      case 'typing':
        return this.chat.typing(a, f.on) ?? null;
      case 'history':
        return this.chat.history(ws, a, f.before ?? null, f.limit);
      case 'flag':
        return this.chat.flag(a, f.message_id, f.reason ?? 'reported by a user');
      case 'moderate':
        return this.moderation.fromSocket(
          { id: a.u, role: a.r },
          { action: f.action, userId: f.user_id, durationSeconds: f.duration_seconds, reason: f.reason, by: a.u },
        );
    }
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    this.leave(ws);
    safeClose(ws, code === 1005 || code === 1006 ? 1000 : code, 'bye');
  }

  override async webSocketError(ws: WebSocket) {
    this.leave(ws);
  }

  private leave(ws: WebSocket) {
    this.out.remove(ws);
    this.expiry.remove(ws);
    const a = ws.deserializeAttachment() as Attachment | null;
    if (!a) return;
    if (this.presence.remove(ws, a)) {
      this.limits.typing.delete(a.u);
      if (this.presenceIsLive()) this.out.broadcast({ type: 'presence', event: 'leave', user: memberOf(a) });
    }
    this.counts.changed();
  }

  // ---- moderation (RPC from the Worker) ----

  /** Applies one moderation action; returns the restriction's end, if it has one. */
  moderate(m: ModerationInput): { until: string | null } {
    return this.moderation.moderate(m);
  }

  /** Removes a banned user's sockets (a room ban, or an app-wide one) with a close code their SDK treats as final. */
  kick(userId: string, until: number | null) {
    this.moderation.kick(userId, until);
  }

  restrictions(kind: RestrictionKind) {
    return this.store.listRestrictions(kind, Date.now());
  }

  // ---- history and messages (RPC from the Worker) ----

  listMessages(q: HistoryQuery): ListMessagesResult {
    return this.messages.listMessages(q);
  }

  getMessage(id: string): Message | null {
    return this.messages.getMessage(id);
  }

  postSystemMessage(text: string): Message {
    return this.messages.postSystemMessage(text);
  }

  deleteMessage(id: string, by: string): DeleteMessageResult {
    return this.messages.deleteMessage(id, by);
  }

  listFlags(status: 'open' | 'resolved', limit: number, beforeTime: number | null): FlagPage {
    return this.messages.listFlags(status, limit, beforeTime);
  }

  resolveFlag(id: string, action: 'dismiss' | 'delete_message', by: string): ResolveFlagResult {
    return this.messages.resolveFlag(id, action, by);
  }

  /** A stream session ended: hand back its peak and start a new count. */
  endSession(): { peak: number; startedAt: number | null } {
    return this.counts.endSession();
  }

  /** The stream's analytics object reports its video viewers (issue 16): they join the counts. */
  setVideoViewers(n: number) {
    this.presence.setVideoViewers(n);
    this.counts.changed();
  }

  /** A stream's live state for the page (a simulcast target's status, the program): pushed to every socket as is. */
  pushStreamFrame(frame: ServerFrameOf<'simulcast_target' | 'program'>) {
    this.out.broadcast(frame);
    if (frame.type === 'program') this.streamStatus.setInput(frame.program.input_id);
  }

  // ---- external chats (chat-connectors.ts) ----

  addConnector(c: ConnectorConfig): ConnectorView {
    return this.connectors.add(c);
  }

  listConnectors(): ConnectorView[] {
    return this.connectors.list();
  }

  removeConnector(id: string): Promise<boolean> {
    return this.connectors.remove(id);
  }

  stats() {
    return { ...this.counts.stats(), shards: this.shards.perShard() };
  }

  /** Messages and chatters per bucket from the kept history, for the analytics reads (issue 16). */
  chatActivity(q: ChatActivityQuery): ChatActivityBucket[] {
    // The tick's messages may still be queued (fanout.ts writes them per tick): count them too.
    this.store.writeQueued();
    return chatActivity(this.ctx.storage.sql, q);
  }

  // ---- pushes and the one alarm ----

  override async alarm() {
    const now = Date.now();
    for (const name of this.timers.takeDue(now)) {
      if (name === 'counts') {
        this.counts.push(now);
        this.moveMisplaced();
      } else if (name === 'burst') {
        this.chat.pushBursts();
      } else if (name === 'expiry') {
        this.closeExpired(now);
      } else if (name === 'events') {
        if (!(await this.outbox.flush(this.env)) || this.outbox.pending())
          this.timers.schedule(name, now + EVENT_RETRY_MS);
      } else if (name === 'connectors') {
        await this.connectors.ensure();
      } else if (name === CONNECTOR_POLL) {
        await this.connectors.poll(now);
      } else if (name === 'retention') {
        const days = this.config?.settings.retention_days;
        if (days) {
          this.store.pruneBefore(now - days * 86_400_000);
          this.store.dropExpiredRestrictions(now);
          this.timers.schedule(name, now + RETENTION_SWEEP_MS, false);
        }
      }
    }
    await this.timers.rearm();
  }

  /** Sockets whose chat token has expired go, with a code that tells the SDK to fetch a new token. */
  private closeExpired(now: number) {
    const { expired, next } = this.expiry.due(now);
    for (const ws of expired) {
      safeClose(ws, CLOSE.tokenExpired, 'token expired');
      this.leave(ws);
    }
    if (next !== null) this.timers.schedule('expiry', next);
  }

  /** Counted in memory and flushed about once a second, with the rest of the isolate's usage. */
  private meterMessage(userId: string) {
    if (!this.config) return;
    const { appId, streamId } = this.config;
    const waitUntil = (p: Promise<unknown>) => this.ctx.waitUntil(p);
    usageRecorder.record(this.env, waitUntil, { appId, streamId: streamId ?? '', meter: 'chat_messages', quantity: 1 });
    usageRecorder.seeChatUser(this.env, waitUntil, appId, userId);
  }

  /** Recorded here first (core/do/event-outbox.ts), so a D1 failure or an eviction loses nothing. */
  private emit(type: EventType, objectType: string, objectId: string, data: Record<string, unknown>) {
    if (!this.config) return;
    this.outbox.record({ appId: this.config.appId, type, objectType, objectId, data });
    this.timers.schedule('events', Date.now() + EVENT_RETRY_MS);
    this.ctx.waitUntil(this.outbox.flush(this.env));
  }
}
