import { DurableObject } from 'cloudflare:workers';
import type { EventType } from '@edgelive/shared';
import {
  CLOSE,
  ClientFrame,
  type ErrorCode,
  LIMITS,
  type Message,
  type ModerationAction,
  PROTOCOL_VERSION,
  type PublicSettings,
  type ServerFrame,
} from '@edgelive/shared';
import { EVENT_RETRY_MS, EventOutbox } from '../../core/do/event-outbox';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { loadRoomConfig } from '../../workers/services/rooms.service';
import { type CompiledBlocklist, compileBlocklist } from './blocklist';
import { BucketMap, TokenBucket } from './rate-limit';
import {
  APP_BAN_HEADER,
  type Attachment,
  CONFIG_VERSION_HEADER,
  IDENTITY_HEADER,
  type Identity,
  type RoomConfig,
} from './room-config';
import { memberOf, Presence } from './room-presence';
import { type MessageRow, type RestrictionKind, RoomStore, renderMessage } from './room-store';

/** Pushes of viewer counts and reaction bursts are coalesced to at most one per this interval. */
const PUSH_INTERVAL_MS = 1000;
const RETENTION_SWEEP_MS = 60 * 60 * 1000;
/** Per connection, every frame: a burst of 30, then 15 a second. */
const CONN_BURST = 30;
const CONN_RATE = 15;
/** Per user, messages across all their connections; moderators get more, admins (bots) are exempt. */
const USER_LIMITS = { user: [8, 1], moderator: [30, 5] } as const;
/** A connection refused this many times without a quiet spell is flooding, not chatting: drop it. */
const FLOOD_STRIKES = 100;
const FLOOD_FORGIVE_MS = 10_000;
const TYPING_THROTTLE_MS = 2000;
/** Rooms with more connections than this stop sending presence join/leave frames (counts still go out). */
export const PRESENCE_LIVE_MAX = 200;
const MAX_REACTIONS_PER_USER = 10;

export interface ModerationInput {
  action: Exclude<ModerationAction, 'message_deleted'>;
  userId: string;
  durationSeconds?: number;
  reason?: string;
  by: string;
}

export interface HistoryQuery {
  limit: number;
  beforeSeq?: number;
  sinceId?: string;
}

/**
 * One chat room. Sockets are accepted with the Hibernation API so an idle room costs nothing while
 * its viewers stay connected; everything that must outlive the instance is in the object's SQLite.
 * The Worker authenticates before it gets here; this class trusts the identity header it is given.
 */
export class RoomObject extends DurableObject<Env> {
  private readonly store: RoomStore;
  private readonly outbox: EventOutbox;
  private readonly presence = new Presence();
  private config: RoomConfig | null = null;
  private blocklist: CompiledBlocklist | null = null;
  private armedAt: number | null = null;
  private peak = 0;
  private lastCountsAt = 0;
  private countsPending = false;
  private burstPending = false;
  private readonly bursts = new Map<string, number>();
  private readonly connBuckets = new WeakMap<
    WebSocket,
    { bucket: TokenBucket; strikes: number; lastStrike: number; lastError: number }
  >();
  private readonly userBuckets = {
    user: new BucketMap(...USER_LIMITS.user),
    moderator: new BucketMap(...USER_LIMITS.moderator),
  };
  private readonly typingAt = new Map<string, number>();
  /**
   * Sockets that connected with `batch=1`. Every send to a socket costs the runtime about 50 µs
   * (measured: ~50 ms of CPU per message to 1,000 sockets, ~3x Socket.IO's per delivery), so a busy
   * room sends these one `batch` frame per flush instead of one frame per message. In memory, and
   * rebuilt from the `b:1` tag after hibernation, so the broadcast loop never reads attachments.
   */
  private readonly batched = new Set<WebSocket>();
  /** Room-wide frames (serialized once) waiting for the next flush to the batched sockets. */
  private pending: { s: string; except: WebSocket | undefined }[] = [];
  /** How many of `pending` a batched socket already has (it was caught up before a direct frame). */
  private caughtUp = new Map<WebSocket, number>();
  private flushScheduled = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    this.outbox = new EventOutbox(ctx.storage.sql);
    // Answered by the runtime without waking the object: keep-alives cost nothing.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
    void ctx.blockConcurrencyWhile(async () => {
      this.store.migrate();
      const raw = this.store.getMeta('config');
      if (raw) this.applyConfig(JSON.parse(raw) as RoomConfig);
      this.peak = Number(this.store.getMeta('peak') ?? 0);
      this.armedAt = await ctx.storage.getAlarm();
      // After hibernation the sockets are still here; only the in-memory index needs rebuilding.
      for (const ws of ctx.getWebSockets()) {
        const a = ws.deserializeAttachment() as Attachment | null;
        if (a) this.presence.add(ws, a);
      }
      for (const ws of ctx.getWebSockets('b:1')) this.batched.add(ws);
    });
  }

  // ---- configuration (RPC from the Worker) ----

  private applyConfig(c: RoomConfig) {
    this.config = c;
    this.blocklist = compileBlocklist(c.settings.blocklist);
  }

  private publicSettings(): PublicSettings {
    const s = this.config!.settings;
    return {
      slow_mode_seconds: s.slow_mode_seconds,
      max_message_length: s.max_message_length,
      anonymous_read: s.anonymous_read,
    };
  }

  configure(c: RoomConfig) {
    if (this.config && this.config.version > c.version) return;
    const before = this.config && JSON.stringify(this.publicSettings());
    this.store.setMeta('config', JSON.stringify(c));
    this.applyConfig(c);
    if (c.settings.retention_days) this.schedule('retention', Date.now() + 1000);
    if (before !== null && before !== JSON.stringify(this.publicSettings())) {
      this.broadcast({ type: 'room_updated', settings: this.publicSettings() });
    }
  }

  private async ensureConfig(roomId: string, version: number) {
    if (this.config && this.config.version >= version) return true;
    const c = await loadRoomConfig(this.env, roomId);
    if (!c) return false;
    this.configure(c);
    return true;
  }

  /** The room was deleted: everyone is told with a close code, and the storage goes. */
  async shutdown() {
    this.flush();
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(CLOSE.roomDeleted, 'room deleted');
      } catch {
        // already closing
      }
    }
    this.config = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  // ---- sockets ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('expected a WebSocket', { status: 426 });
    const identity = JSON.parse(request.headers.get(IDENTITY_HEADER) ?? 'null') as Identity | null;
    const url = new URL(request.url);
    const roomId = decodeURIComponent(url.pathname.split('/')[3] ?? '');
    if (!identity || !(await this.ensureConfig(roomId, Number(request.headers.get(CONFIG_VERSION_HEADER) ?? 0)))) {
      return new Response('unknown room', { status: 404 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const now = Date.now();
    const banned = this.banState(identity.id, request.headers.get(APP_BAN_HEADER), now);
    const batch = url.searchParams.get('batch') === '1';
    this.ctx.acceptWebSocket(server, [
      `u:${identity.id}`,
      `r:${identity.anonymous ? 'anonymous' : identity.role}`,
      ...(batch ? ['b:1'] : []),
    ]);
    if (banned) {
      // The client learns why, then the socket goes with a code that tells its SDK not to come back.
      this.sendTo(server, {
        type: 'error',
        code: 'banned',
        message: 'You are banned from this room.',
        ...(banned.until ? { retry_after: Math.ceil((banned.until - now) / 1000) } : {}),
      });
      server.close(CLOSE.banned, 'banned');
      return new Response(null, { status: 101, webSocket: client });
    }
    const a: Attachment = {
      u: identity.id,
      n: identity.name,
      a: identity.avatar,
      r: identity.role,
      x: identity.anonymous ? 1 : 0,
    };
    server.serializeAttachment(a);
    if (batch) {
      // The snapshot is read from storage now, so it already holds every queued message: the new
      // socket starts after them (queued presence/counts frames are transient and in the snapshot too).
      this.batched.add(server);
      this.caughtUp.set(server, this.pending.length);
    }
    const joined = this.presence.add(server, a);
    this.sendTo(server, this.snapshot(identity, url.searchParams.get('since'), now));
    if (joined && this.presenceIsLive()) this.broadcast({ type: 'presence', event: 'join', user: memberOf(a) }, server);
    this.countsChanged();
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Join and leave frames cost one frame per viewer per arrival: quadratic when a big audience
   * arrives at once. Past this size the room reports only counts (pushed once a second).
   */
  private presenceIsLive() {
    return this.presence.counts().viewers <= PRESENCE_LIVE_MAX;
  }

  private banState(userId: string, appBan: string | null, now: number): { until: number | null } | null {
    if (appBan) return { until: appBan === 'forever' ? null : Number(appBan) };
    const ban = this.store.restrictionsOf(userId, now).get('ban');
    return ban ? { until: ban.until } : null;
  }

  private snapshot(me: Identity, since: string | null, now: number): ServerFrame {
    const viewer = me.anonymous ? null : me.id;
    let messages: MessageRow[] | null = null;
    let gap = false;
    if (since) {
      const from = this.store.byId(since);
      if (from) {
        const missed = this.store.listAfter(viewer, from.seq, LIMITS.maxResume + 1);
        if (missed.length <= LIMITS.maxResume) messages = missed;
      }
      gap = messages === null;
    }
    messages ??= this.store.listBefore(viewer, null, LIMITS.historyOnJoin).reverse();
    const r = me.anonymous ? new Map() : this.store.restrictionsOf(me.id, now);
    const mute = r.get('mute');
    return {
      type: 'snapshot',
      protocol: PROTOCOL_VERSION,
      room: { id: this.config!.roomId, settings: this.publicSettings() },
      you: {
        id: me.id,
        name: me.name,
        avatar: me.avatar,
        role: me.role,
        anonymous: me.anonymous,
        restrictions: {
          muted: !!mute,
          muted_until: mute?.until ? new Date(mute.until).toISOString() : null,
          banned: false,
          read_only: me.anonymous,
        },
      },
      messages: this.store.render(messages),
      resumed: !!since && !gap,
      gap,
      present: this.presence.list(),
      counts: this.presence.counts(),
    };
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer) {
    const a = ws.deserializeAttachment() as Attachment | null;
    if (!a || !this.config) return;
    if (!this.takeConnToken(ws)) return;
    if (typeof data !== 'string' || data.length > LIMITS.maxFrameBytes) {
      return this.fail(ws, 'invalid', `Frames are JSON text of at most ${LIMITS.maxFrameBytes} bytes.`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      return this.fail(ws, 'invalid', 'The frame is not JSON.');
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      const ref =
        typeof raw === 'object' && raw && 'client_id' in raw && typeof raw.client_id === 'string'
          ? raw.client_id.slice(0, 64)
          : undefined;
      const issue = parsed.error.issues[0];
      return this.fail(
        ws,
        'invalid',
        `Invalid frame${issue ? ` at ${issue.path.join('.') || 'type'}: ${issue.message}` : ''}.`,
        { ref },
      );
    }
    const f = parsed.data;
    if (a.x && f.type !== 'history' && f.type !== 'ping')
      return this.fail(ws, 'read_only', 'Anonymous viewers can only read; sign in to take part.');
    switch (f.type) {
      case 'ping':
        return this.sendTo(ws, { type: 'pong' });
      case 'send':
        return this.onSend(ws, a, f.client_id, f.text, f.reply_to ?? null);
      case 'edit':
        return this.onEdit(ws, a, f.message_id, f.text);
      case 'delete':
        return this.onDelete(ws, a, f.message_id);
      case 'react':
        return this.onReact(ws, a, f.message_id, f.emoji, f.on);
      case 'burst':
        return this.onBurst(f.emoji, f.count);
      case 'typing':
        return this.onTyping(a, f.on);
      case 'history':
        return this.onHistory(ws, a, f.before ?? null, f.limit);
      case 'flag':
        return this.onFlag(ws, a, f.message_id, f.reason ?? 'reported by a user');
      case 'moderate': {
        if (a.r === 'user') return this.fail(ws, 'forbidden', 'Only moderators and admins can moderate.');
        if (f.user_id === a.u) return this.fail(ws, 'invalid', 'You cannot moderate yourself.');
        this.moderate({
          action: f.action,
          userId: f.user_id,
          durationSeconds: f.duration_seconds,
          reason: f.reason,
          by: a.u,
        });
        return;
      }
    }
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    this.leave(ws);
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'bye');
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket) {
    this.leave(ws);
  }

  private leave(ws: WebSocket) {
    this.batched.delete(ws);
    this.caughtUp.delete(ws);
    const a = ws.deserializeAttachment() as Attachment | null;
    if (!a) return;
    if (this.presence.remove(ws, a)) {
      this.typingAt.delete(a.u);
      if (this.presenceIsLive()) this.broadcast({ type: 'presence', event: 'leave', user: memberOf(a) });
    }
    this.countsChanged();
  }

  // ---- frames ----

  private takeConnToken(ws: WebSocket): boolean {
    let c = this.connBuckets.get(ws);
    if (!c) {
      c = { bucket: new TokenBucket(CONN_BURST, CONN_RATE), strikes: 0, lastStrike: 0, lastError: 0 };
      this.connBuckets.set(ws, c);
    }
    const now = Date.now();
    const r = c.bucket.take(now);
    if (r.ok) return true;
    // Refusals count towards a drop until the connection has kept within its limit for a while.
    if (now - c.lastStrike > FLOOD_FORGIVE_MS) c.strikes = 0;
    c.lastStrike = now;
    if (++c.strikes >= FLOOD_STRIKES) {
      try {
        ws.close(CLOSE.policy, 'flooding');
      } catch {
        // already closing
      }
      this.leave(ws);
      return false;
    }
    // At most one refusal frame a second, so a flood does not turn into an echo flood.
    if (now - c.lastError >= 1000) {
      c.lastError = now;
      this.fail(ws, 'rate_limited', 'Too many frames on this connection.', { retry_after: r.retryAfter });
    }
    return false;
  }

  private onSend(ws: WebSocket, a: Attachment, clientId: string, text: string, replyTo: string | null) {
    const now = Date.now();
    const settings = this.config!.settings;
    // Retried sends are answered with the original: the client id makes sending idempotent.
    const dup = this.store.byClientId(a.u, clientId);
    if (dup)
      return this.sendTo(ws, {
        type: 'ack',
        client_id: clientId,
        message: this.store.render([dup])[0]!,
        duplicate: true,
      });
    const r = this.store.restrictionsOf(a.u, now);
    const mute = r.get('mute');
    if (mute) {
      return this.fail(ws, 'muted', 'You are muted in this room.', {
        ref: clientId,
        ...(mute.until ? { retry_after: Math.ceil((mute.until - now) / 1000) } : {}),
      });
    }
    if (text.length > settings.max_message_length) {
      return this.fail(ws, 'invalid', `Messages are limited to ${settings.max_message_length} characters here.`, {
        ref: clientId,
      });
    }
    if (!text.trim()) return this.fail(ws, 'invalid', 'The message is empty.', { ref: clientId });
    const privileged = a.r !== 'user';
    if (settings.slow_mode_seconds && !privileged) {
      const last = this.store.lastSentAt(a.u);
      const wait = last === null ? 0 : last + settings.slow_mode_seconds * 1000 - now;
      if (wait > 0)
        return this.fail(ws, 'slow_mode', `Slow mode: one message every ${settings.slow_mode_seconds} s.`, {
          ref: clientId,
          retry_after: Math.ceil(wait / 100) / 10,
        });
    }
    if (a.r !== 'admin') {
      const limit = this.userBuckets[a.r].take(a.u, now);
      if (!limit.ok)
        return this.fail(ws, 'rate_limited', 'You are sending too fast.', {
          ref: clientId,
          retry_after: limit.retryAfter,
        });
    }
    const flagged = this.blocklist?.matches(text) ?? false;
    if (flagged && this.blocklist!.action === 'block' && !privileged) {
      return this.fail(ws, 'blocked_content', 'The message contains words this room does not allow.', {
        ref: clientId,
      });
    }
    if (replyTo && !this.store.byId(replyTo))
      return this.fail(ws, 'not_found', 'The message replied to does not exist.', { ref: clientId });
    const shadow = r.has('shadow');
    const row = this.store.insertMessage({
      id: newId('message'),
      kind: 'user',
      user_id: a.u,
      user_json: JSON.stringify(memberOf(a)),
      text,
      client_id: clientId,
      reply_to: replyTo,
      shadow: shadow ? 1 : 0,
      created_at: now,
    });
    const message = renderMessage(row, {});
    this.sendTo(ws, { type: 'ack', client_id: clientId, message, duplicate: false });
    if (shadow) {
      // The author sees their message everywhere they are connected; nobody else ever does.
      this.broadcastTo(`u:${a.u}`, { type: 'message', message }, ws);
    } else {
      this.broadcast({ type: 'message', message }, ws);
    }
    if (flagged && !shadow) this.fileFlag(row, null, 'blocklist');
  }

  private ownMessage(ws: WebSocket, a: Attachment, id: string, ref: string) {
    const m = this.store.byId(id);
    if (!m || m.deleted_at || (m.shadow && m.user_id !== a.u)) {
      this.fail(ws, 'not_found', 'No such message.', { ref });
      return null;
    }
    return m;
  }

  private onEdit(ws: WebSocket, a: Attachment, id: string, text: string) {
    const m = this.ownMessage(ws, a, id, id);
    if (!m) return;
    if (m.user_id !== a.u) return this.fail(ws, 'forbidden', 'You can only edit your own messages.', { ref: id });
    if (text.length > this.config!.settings.max_message_length)
      return this.fail(ws, 'invalid', 'The message is too long.', { ref: id });
    if (this.blocklist?.matches(text) && this.blocklist.action === 'block' && a.r === 'user') {
      return this.fail(ws, 'blocked_content', 'The message contains words this room does not allow.', { ref: id });
    }
    const row = this.store.editMessage(id, text, Date.now());
    if (!row) return;
    const [message] = this.store.render([row]);
    if (row.shadow) this.broadcastTo(`u:${a.u}`, { type: 'message_updated', message: message! });
    else this.broadcast({ type: 'message_updated', message: message! });
  }

  private onDelete(ws: WebSocket, a: Attachment, id: string) {
    const m = this.ownMessage(ws, a, id, id);
    if (!m) return;
    if (m.user_id !== a.u && a.r === 'user')
      return this.fail(ws, 'forbidden', 'You can only delete your own messages.', { ref: id });
    this.removeMessage(m, m.user_id === a.u ? null : a.u);
  }

  private removeMessage(m: MessageRow, moderator: string | null) {
    if (!this.store.deleteMessage(m.id, Date.now())) return false;
    const frame: ServerFrame = { type: 'message_deleted', message_id: m.id };
    if (m.shadow) this.broadcastTo(`u:${m.user_id}`, frame);
    else this.broadcast(frame);
    if (moderator && !m.shadow) {
      this.broadcast({
        type: 'moderation',
        action: 'message_deleted',
        user_id: m.user_id,
        until: null,
        message_id: m.id,
      });
    }
    return true;
  }

  private onReact(ws: WebSocket, a: Attachment, id: string, emoji: string, on: boolean) {
    const m = this.ownMessage(ws, a, id, id);
    if (!m) return;
    if (m.kind === 'system') return this.fail(ws, 'invalid', 'System messages take no reactions.', { ref: id });
    if (this.store.restrictionsOf(a.u, Date.now()).has('mute'))
      return this.fail(ws, 'muted', 'You are muted in this room.', { ref: id });
    if (on && this.store.reactionCount(id, a.u) >= MAX_REACTIONS_PER_USER) {
      return this.fail(ws, 'invalid', `At most ${MAX_REACTIONS_PER_USER} reactions per message.`, { ref: id });
    }
    this.store.setReaction(id, a.u, emoji, on);
    const reactions = this.store.reactionsFor([id]).get(id) ?? {};
    this.broadcast({ type: 'reactions', message_id: id, reactions });
  }

  private onBurst(emoji: string, count: number) {
    this.bursts.set(emoji, (this.bursts.get(emoji) ?? 0) + count);
    if (!this.burstPending && this.bursts.size > 200) return; // a flood of distinct emoji waits for the flush
    if (!this.burstPending) {
      this.burstPending = true;
      this.schedule('burst', Date.now() + PUSH_INTERVAL_MS);
    }
  }

  private onTyping(a: Attachment, on: boolean) {
    const now = Date.now();
    const last = this.typingAt.get(a.u);
    if (on && last !== undefined && now - last < TYPING_THROTTLE_MS) return;
    if (on) this.typingAt.set(a.u, now);
    else this.typingAt.delete(a.u);
    this.broadcast({ type: 'typing', user: memberOf(a), on });
  }

  private onHistory(ws: WebSocket, a: Attachment, before: string | null, limit: number) {
    let beforeSeq: number | null = null;
    if (before) {
      const m = this.store.byId(before);
      if (!m) return this.fail(ws, 'not_found', 'No such message.', { ref: before });
      beforeSeq = m.seq;
    }
    const rows = this.store.listBefore(a.x ? null : a.u, beforeSeq, limit + 1);
    this.sendTo(ws, {
      type: 'history',
      messages: this.store.render(rows.slice(0, limit)).reverse(),
      has_more: rows.length > limit,
    });
  }

  private onFlag(ws: WebSocket, a: Attachment, id: string, reason: string) {
    const m = this.ownMessage(ws, a, id, id);
    if (!m) return;
    this.fileFlag(m, a.u, reason);
  }

  private fileFlag(m: MessageRow, reporter: string | null, reason: string) {
    const flag = { id: newId('flag'), message_id: m.id, reporter_id: reporter, reason, created_at: Date.now() };
    this.store.addFlag(flag);
    const [message] = this.store.render([m]);
    this.emit('chat.message.flagged', 'message', m.id, {
      room_id: this.config!.roomId,
      message,
      flag: { id: flag.id, reason, reporter_id: reporter, created_at: new Date(flag.created_at).toISOString() },
    });
  }

  // ---- moderation (socket and API) ----

  /** Applies one moderation action; returns the restriction's end, if it has one. */
  moderate(m: ModerationInput): { until: string | null } {
    const now = Date.now();
    const until = m.durationSeconds ? now + m.durationSeconds * 1000 : null;
    const untilIso = until ? new Date(until).toISOString() : null;
    const kinds: Record<ModerationInput['action'], [RestrictionKind, boolean]> = {
      ban: ['ban', true],
      unban: ['ban', false],
      mute: ['mute', true],
      unmute: ['mute', false],
      shadow_ban: ['shadow', true],
      unshadow_ban: ['shadow', false],
    };
    const [kind, on] = kinds[m.action];
    if (on)
      this.store.restrict({ user_id: m.userId, kind, until, reason: m.reason ?? null, by: m.by, created_at: now });
    else this.store.lift(m.userId, kind);
    const frame: ServerFrame = {
      type: 'moderation',
      action: m.action,
      user_id: m.userId,
      until: on ? untilIso : null,
      message_id: null,
    };
    if (kind === 'shadow') {
      // Telling the room would defeat a shadow ban: only the moderators hear of it.
      this.broadcastTo('r:moderator', frame);
      this.broadcastTo('r:admin', frame);
    } else {
      this.broadcast(frame);
    }
    if (m.action === 'ban') this.kick(m.userId, until);
    const events: Partial<Record<ModerationInput['action'], EventType>> = {
      ban: 'chat.user.banned',
      unban: 'chat.user.unbanned',
      mute: 'chat.user.muted',
    };
    const event = events[m.action];
    if (event && this.config) {
      // The catalog's object for user moderation is the room; `data.user_id` names the user.
      this.emit(event, 'room', this.config.roomId, {
        room_id: this.config?.roomId ?? null,
        user_id: m.userId,
        until: untilIso,
        reason: m.reason ?? null,
        by: m.by,
        scope: 'room',
      });
    }
    return { until: untilIso };
  }

  /** Removes a banned user's sockets with a close code their SDK treats as final. */
  kick(userId: string, until: number | null) {
    const retry = until ? { retry_after: Math.ceil((until - Date.now()) / 1000) } : {};
    for (const ws of this.ctx.getWebSockets(`u:${userId}`)) {
      this.sendTo(ws, { type: 'error', code: 'banned', message: 'You have been banned from this room.', ...retry });
      try {
        ws.close(CLOSE.banned, 'banned');
      } catch {
        // already closing
      }
      this.leave(ws);
    }
  }

  restrictions(kind: RestrictionKind) {
    return this.store.listRestrictions(kind, Date.now());
  }

  // ---- history and messages (RPC from the Worker) ----

  listMessages(q: HistoryQuery): { messages: Message[]; has_more: boolean } | null {
    if (q.sinceId !== undefined) {
      const from = this.store.byId(q.sinceId);
      if (!from) return null;
      const rows = this.store.listAfter(null, from.seq, q.limit + 1);
      return { messages: this.store.render(rows.slice(0, q.limit)), has_more: rows.length > q.limit };
    }
    const rows = this.store.listBefore(null, q.beforeSeq ?? null, q.limit + 1);
    return { messages: this.store.render(rows.slice(0, q.limit)), has_more: rows.length > q.limit };
  }

  getMessage(id: string): Message | null {
    const m = this.store.byId(id);
    return m && !m.deleted_at ? this.store.render([m])[0]! : null;
  }

  postSystemMessage(text: string): Message {
    const row = this.store.insertMessage({
      id: newId('message'),
      kind: 'system',
      user_id: null,
      user_json: null,
      text,
      client_id: null,
      reply_to: null,
      shadow: 0,
      created_at: Date.now(),
    });
    const message = renderMessage(row, {});
    this.broadcast({ type: 'message', message });
    return message;
  }

  deleteMessage(id: string, by: string): boolean {
    const m = this.store.byId(id);
    return !!m && !m.deleted_at && this.removeMessage(m, by);
  }

  listFlags(status: 'open' | 'resolved', limit: number, beforeTime: number | null) {
    const rows = this.store.listFlags(status, limit + 1, beforeTime);
    const messages = new Map(rows.map((f) => [f.message_id, this.store.byId(f.message_id)]));
    return {
      flags: rows.slice(0, limit).map((f) => {
        const m = messages.get(f.message_id);
        return { ...f, message: m ? this.store.render([m])[0]! : null };
      }),
      has_more: rows.length > limit,
    };
  }

  resolveFlag(id: string, action: 'dismiss' | 'delete_message', by: string) {
    const flag = this.store.getFlag(id);
    if (!flag) return null;
    if (action === 'delete_message') this.deleteMessage(flag.message_id, by);
    return this.store.resolveFlag(id, action, Date.now());
  }

  /** A stream session ended: hand back its peak and start a new count. */
  endSession(): { peak: number; startedAt: number | null } {
    const out = { peak: this.peak, startedAt: Number(this.store.getMeta('session_started_at')) || null };
    this.peak = this.presence.counts().viewers;
    this.store.setMeta('peak', String(this.peak));
    this.store.setMeta('session_started_at', String(Date.now()));
    return out;
  }

  stats() {
    return { ...this.presence.counts(), peak: this.peak };
  }

  // ---- pushes and the one alarm ----

  private countsChanged() {
    const viewers = this.presence.counts().viewers;
    if (viewers > this.peak) {
      this.peak = viewers;
      this.store.setMeta('peak', String(viewers));
    }
    if (this.countsPending) return;
    this.countsPending = true;
    this.schedule('counts', Math.max(Date.now(), this.lastCountsAt + PUSH_INTERVAL_MS));
  }

  private schedule(name: string, at: number) {
    this.store.schedule(name, at);
    if (this.armedAt === null || at < this.armedAt) {
      this.armedAt = at;
      void this.ctx.storage.setAlarm(at);
    }
  }

  override async alarm() {
    this.armedAt = null;
    const now = Date.now();
    for (const name of this.store.takeDue(now)) {
      if (name === 'counts') {
        this.countsPending = false;
        this.lastCountsAt = now;
        this.broadcast({ type: 'counts', counts: this.presence.counts() });
      } else if (name === 'burst') {
        this.burstPending = false;
        if (this.bursts.size) this.broadcast({ type: 'burst', counts: Object.fromEntries(this.bursts) });
        this.bursts.clear();
      } else if (name === 'events') {
        if (!(await this.outbox.flush(this.env)) || this.outbox.pending())
          this.store.schedule(name, now + EVENT_RETRY_MS);
      } else if (name === 'retention') {
        const days = this.config?.settings.retention_days;
        if (days) {
          this.store.pruneBefore(now - days * 86_400_000);
          this.store.dropExpiredRestrictions(now);
          this.store.schedule(name, now + RETENTION_SWEEP_MS, false);
        }
      }
    }
    const next = this.store.nextDue();
    if (next !== null) {
      this.armedAt = next;
      await this.ctx.storage.setAlarm(next);
    }
  }

  // ---- sending ----

  private sendTo(ws: WebSocket, frame: ServerFrame) {
    // A frame for one socket must not overtake room frames queued before it (an ack for a later
    // message ahead of an earlier message would make a resume from the ack's id skip that message).
    if (this.pending.length && this.batched.has(ws)) this.catchUp(ws);
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed under us; its close handler does the bookkeeping.
    }
  }

  private fail(ws: WebSocket, code: ErrorCode, message: string, extra: { ref?: string; retry_after?: number } = {}) {
    const frame: ServerFrame = { type: 'error', code, message };
    if (extra.ref !== undefined) frame.ref = extra.ref;
    if (extra.retry_after !== undefined) frame.retry_after = extra.retry_after;
    this.sendTo(ws, frame);
  }

  /**
   * Every frame to the whole room goes through here, serialized once. Sharding a very large room
   * over several objects (README: Rooms) replaces this one function with a fan-out to the shards.
   */
  private broadcast(frame: ServerFrame, except?: WebSocket) {
    const s = JSON.stringify(frame);
    if (this.batched.size) {
      this.pending.push({ s, except });
      if (!this.flushScheduled) {
        // A zero timer runs after the inbound frames already waiting, so under load a flush carries
        // everything that arrived meanwhile; when idle it costs one tick. The output gate still
        // holds the flush until the messages' inserts are durable.
        this.flushScheduled = true;
        setTimeout(() => this.flush(), 0);
      }
    }
    for (const ws of this.ctx.getWebSockets()) {
      if (ws === except || this.batched.has(ws)) continue;
      try {
        ws.send(s);
      } catch {
        // closed under us
      }
    }
  }

  /** Everything queued, to every batched socket: one shared string for all who need the same frames. */
  private flush() {
    this.flushScheduled = false;
    const pending = this.pending;
    if (!pending.length) return;
    const caughtUp = this.caughtUp;
    this.pending = [];
    this.caughtUp = new Map();
    const excepted = new Set(pending.map((p) => p.except));
    const shared = RoomObject.frameOf(pending.map((p) => p.s));
    for (const ws of this.batched) {
      const from = caughtUp.get(ws) ?? 0;
      // Most sockets take the shared string; the authors (and sockets caught up early) get their own.
      const s =
        from === 0 && !excepted.has(ws)
          ? shared
          : RoomObject.frameOf(
              pending
                .slice(from)
                .filter((p) => p.except !== ws)
                .map((p) => p.s),
            );
      if (s === null) continue;
      try {
        ws.send(s);
      } catch {
        // closed under us
      }
    }
  }

  /** Sends one batched socket what it has not had of the queue yet. */
  private catchUp(ws: WebSocket) {
    const from = this.caughtUp.get(ws) ?? 0;
    const s = RoomObject.frameOf(
      this.pending
        .slice(from)
        .filter((p) => p.except !== ws)
        .map((p) => p.s),
    );
    this.caughtUp.set(ws, this.pending.length);
    if (s === null) return;
    try {
      ws.send(s);
    } catch {
      // closed under us
    }
  }

  /** A single frame goes as itself; several as one `batch`, spliced from their serialized forms. */
  private static frameOf(frames: string[]): string | null {
    if (!frames.length) return null;
    if (frames.length === 1) return frames[0]!;
    return `{"type":"batch","frames":[${frames.join(',')}]}`;
  }

  private broadcastTo(tag: string, frame: ServerFrame, except?: WebSocket) {
    // Rare (shadow-banned authors, moderators): flushing first keeps these in order with room frames.
    this.flush();
    const s = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets(tag)) {
      if (ws === except) continue;
      try {
        ws.send(s);
      } catch {
        // closed under us
      }
    }
  }

  /** Recorded here first (core/do/event-outbox.ts), so a D1 failure or an eviction loses nothing. */
  private emit(type: EventType, objectType: string, objectId: string, data: Record<string, unknown>) {
    if (!this.config) return;
    this.outbox.record({ appId: this.config.appId, type, objectType, objectId, data });
    this.schedule('events', Date.now() + EVENT_RETRY_MS);
    this.ctx.waitUntil(this.outbox.flush(this.env));
  }
}
