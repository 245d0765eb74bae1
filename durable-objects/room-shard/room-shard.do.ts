import { DurableObject } from 'cloudflare:workers';
import { CLOSE } from '@edgelive/shared';
import { safeClose, safeSend } from '../../core/do/socket-frames';
import type { Env } from '../../core/env';
import { roomStub } from '../../core/stubs';
import {
  ADDRESS_HEADER,
  APP_BAN_HEADER,
  CONFIG_VERSION_HEADER,
  IDENTITY_HEADER,
  type Identity,
  ROOM_ID_HEADER,
  SHARD_HEADER,
  SOCKET_REFUSALS,
  TOKEN_EXPIRES_HEADER,
} from '../room/contract';
import { type ShardDirect, type ShardEntry, socketTag } from './contract';
import { ShardFanOut } from './shard-fanout';

/** Closed sockets are reported to the primary at most this often (with the counts it pushes once a second). */
const REPORT_MS = 1000;

/** What a shard keeps per socket (short keys: the runtime caps an attachment at 2 KB). */
interface ShardAttachment {
  /** The socket's id in the room. */
  s: string;
  u: string;
  room: string;
  k: number;
  /** When the chat token expires (epoch ms). */
  e?: number;
}

/**
 * One edge shard of a very large room (`<room id>#<k>`): it holds sockets and nothing else. The
 * room's own object (the primary, room.do.ts) decides who may join, keeps the order, history,
 * moderation and settings, and sends this shard each tick's frames once (`deliver`); the shard
 * sends them on to its sockets, forwards its sockets' frames to the primary in order, and reports
 * the sockets that closed. A user's sockets share a shard (the Worker picks it by hashing the
 * user), so the per-user caps and limits stay exact on the primary.
 */
export class RoomShardObject extends DurableObject<Env> {
  private readonly out: ShardFanOut;
  private primary: ReturnType<typeof roomStub> | null = null;
  private left: string[] = [];
  private reportTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.out = new ShardFanOut(ctx);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** One stub, kept: calls on the same stub arrive in order, which keeps each sender's order. */
  private room(roomId: string) {
    this.primary ??= roomStub(this.env, roomId);
    return this.primary;
  }

  override async fetch(request: Request): Promise<Response> {
    const h = request.headers;
    const identity = JSON.parse(h.get(IDENTITY_HEADER) ?? 'null') as Identity | null;
    const roomId = h.get(ROOM_ID_HEADER) ?? '';
    const k = Number(h.get(SHARD_HEADER));
    if (!identity || !roomId || !Number.isInteger(k)) return new Response('not a shard hand-over', { status: 400 });
    const url = new URL(request.url);
    const id = crypto.randomUUID();
    const expires = Number(h.get(TOKEN_EXPIRES_HEADER) ?? 0) * 1000 || null;
    const r = await this.room(roomId).shardJoin({
      k,
      id,
      identity,
      roomId,
      configVersion: Number(h.get(CONFIG_VERSION_HEADER) ?? 0),
      appBan: h.get(APP_BAN_HEADER),
      address: h.get(ADDRESS_HEADER),
      expires,
      since: url.searchParams.get('since'),
    });
    if ('refused' in r) {
      const { status, message } = SOCKET_REFUSALS[r.refused];
      return Response.json({ error: { code: r.refused, message } }, { status });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if ('banned' in r) {
      this.ctx.acceptWebSocket(server, ['banned']);
      safeSend(server, r.banned);
      server.close(CLOSE.banned, 'banned');
      return new Response(null, { status: 101, webSocket: client });
    }
    const batch = url.searchParams.get('batch') !== '0';
    this.ctx.acceptWebSocket(server, [
      `u:${identity.id}`,
      `r:${identity.anonymous ? 'anonymous' : identity.role}`,
      socketTag(id),
      ...(batch ? [] : ['b:0']),
    ]);
    const a: ShardAttachment = { s: id, u: identity.id, room: roomId, k, ...(expires ? { e: expires } : {}) };
    server.serializeAttachment(a);
    this.out.join(server, id, batch, r.joined.frames, r.joined.epoch, r.joined.upTo);
    if (expires) {
      const armed = await this.ctx.storage.getAlarm();
      if (armed === null || armed > expires) await this.ctx.storage.setAlarm(expires);
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer) {
    const a = ws.deserializeAttachment() as ShardAttachment | null;
    if (!a) return;
    // Not awaited: the next frame must not wait for this one's answer, and the stub keeps their order.
    this.room(a.room)
      .shardFrame(a.k, a.s, data)
      .catch(() => safeClose(ws, 1011, 'room unavailable'));
  }

  override async webSocketClose(ws: WebSocket, code: number) {
    this.gone(ws);
    safeClose(ws, code === 1005 || code === 1006 ? 1000 : code, 'bye');
  }

  override async webSocketError(ws: WebSocket) {
    this.gone(ws);
  }

  /** A socket left (closed, kicked, expired): the primary hears of it with the next report. */
  private gone(ws: WebSocket) {
    const a = ws.deserializeAttachment() as ShardAttachment | null;
    if (!a?.s || !this.out.remove(ws, a.s)) return;
    this.left.push(a.s);
    this.reportTimer ??= setTimeout(() => this.report(a.room, a.k), REPORT_MS);
  }

  private report(roomId: string, k: number) {
    this.reportTimer = null;
    const left = this.left;
    this.left = [];
    if (left.length)
      this.room(roomId)
        .shardReport({ k, left })
        .catch(() => undefined);
  }

  // ---- from the primary ----

  /** One tick's room frames, numbered per shard. */
  deliver(epoch: string, n: number, entries: ShardEntry[]) {
    this.out.deliver(epoch, n, entries);
  }

  direct(items: ShardDirect[]) {
    this.out.direct(items);
  }

  /** To the sockets with one tag here (a user's, the moderators'). */
  toTag(tag: string, s: string) {
    for (const ws of this.ctx.getWebSockets(tag)) safeSend(ws, s);
  }

  /** A ban: the user's sockets on this shard get the frame and go, with the code their SDK treats as final. */
  kick(userId: string, frame: string) {
    for (const ws of this.ctx.getWebSockets(`u:${userId}`)) {
      safeSend(ws, frame);
      safeClose(ws, CLOSE.banned, 'banned');
      this.gone(ws);
    }
  }

  closeSocket(id: string, code: number, reason: string) {
    const ws = this.out.socket(id);
    if (!ws) return;
    safeClose(ws, code, reason);
    this.gone(ws);
  }

  /** The room was deleted. */
  shutdown() {
    for (const ws of this.ctx.getWebSockets()) safeClose(ws, CLOSE.roomDeleted, 'room deleted');
  }

  /** Chat tokens expire on shards too: those sockets go with the code that tells the SDK to fetch a new one. */
  override async alarm() {
    const now = Date.now();
    let next: number | null = null;
    for (const ws of this.ctx.getWebSockets()) {
      const a = ws.deserializeAttachment() as ShardAttachment | null;
      if (!a?.e) continue;
      if (a.e <= now) {
        safeClose(ws, CLOSE.tokenExpired, 'token expired');
        this.gone(ws);
      } else if (next === null || a.e < next) next = a.e;
    }
    if (next !== null) await this.ctx.storage.setAlarm(next);
  }
}
