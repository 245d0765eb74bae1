import { CLOSE, type Message, type ServerFrame } from '@edgelive/shared';
import { describe, expect, it } from 'vitest';
import { RoomClient, RoomError, type SocketLike } from './room-client';

/** A transport the test drives by hand: it records what the client sends and every URL it dials. */
class FakeSocket implements SocketLike {
  sent: Record<string, unknown>[] = [];
  urls: string[] = [];
  private handlers: {
    message: ((e: { data: unknown }) => void)[];
    close: ((e: { code: number; reason: string }) => void)[];
  } = { message: [], close: [] };
  constructor(
    private readonly url: () => Promise<string>,
    readonly shouldReconnect: (code: number) => boolean,
  ) {}
  async dial() {
    this.urls.push(await this.url());
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {}
  addEventListener(type: 'open' | 'message' | 'close', cb: never) {
    if (type !== 'open') (this.handlers[type] as unknown[]).push(cb);
  }
  deliver(f: ServerFrame | string) {
    for (const h of this.handlers.message) h({ data: typeof f === 'string' ? f : JSON.stringify(f) });
  }
  reconnects = 0;
  reconnect() {
    this.reconnects++;
  }
  drop(code = 1006) {
    for (const h of this.handlers.close) h({ code, reason: '' });
  }
}

let seq = 0;
const msg = (text: string, s = ++seq): Message => ({
  id: `msg_${s}`,
  seq: s,
  kind: 'user',
  user: { id: 'u', name: null, avatar: null, role: 'user' },
  text,
  reply_to: null,
  created_at: new Date().toISOString(),
  edited_at: null,
  reactions: {},
});
const snapshot = (messages: Message[], resumed = false): ServerFrame => ({
  type: 'snapshot',
  protocol: 1,
  room: { id: 'room_1', settings: { slow_mode_seconds: null, max_message_length: 500, anonymous_read: false } },
  you: {
    id: 'me',
    name: null,
    avatar: null,
    role: 'user',
    anonymous: false,
    restrictions: { muted: false, muted_until: null, banned: false, read_only: false },
  },
  messages,
  resumed,
  gap: false,
  present: [],
  counts: { viewers: 1, viewers_from: 'sockets', connections: 1, video_viewers: null, members: 1 },
});

function setup(token: string | (() => string) = 'tok') {
  let fake: FakeSocket | null = null;
  const client = new RoomClient({
    baseUrl: 'https://api.example.com',
    roomId: 'room_1',
    token,
    socket: (url, should) => (fake = new FakeSocket(url, should)),
  }).connect();
  return { client, sock: fake! as FakeSocket };
}

describe('RoomClient', () => {
  it('dials the socket URL with the token and, after messages arrive, resumes from the last seen id', async () => {
    let n = 0;
    const { client, sock } = setup(() => `tok${n++}`);
    await sock.dial();
    expect(sock.urls[0]).toBe('wss://api.example.com/v1/rooms/room_1/ws?token=tok0');
    const a = msg('a');
    const b = msg('b');
    sock.deliver(snapshot([a]));
    sock.deliver({ type: 'message', message: b });
    expect(client.lastSeenId).toBe(b.id);
    sock.drop();
    expect(client.state.status).toBe('reconnecting');
    await sock.dial();
    expect(sock.urls[1]).toBe(`wss://api.example.com/v1/rooms/room_1/ws?token=tok1&since=${b.id}`);
  });

  it('dials another path when given one (the console socket, authenticated by its session cookie)', async () => {
    let fake: FakeSocket | null = null;
    new RoomClient({
      baseUrl: 'http://console.example.com',
      roomId: 'room_1',
      path: '/v1/apps/app_1/rooms/room_1/ws',
      socket: (url, should) => (fake = new FakeSocket(url, should)),
    }).connect();
    await fake!.dial();
    expect(fake!.urls[0]).toBe('ws://console.example.com/v1/apps/app_1/rooms/room_1/ws');
  });

  it('merges a resume without duplicates and keeps order by seq', async () => {
    const { client, sock } = setup();
    const [a, b, c, d] = [msg('a'), msg('b'), msg('c'), msg('d')];
    sock.deliver(snapshot([a!, b!]));
    sock.drop();
    sock.deliver(snapshot([c!, d!], true));
    sock.deliver({ type: 'message', message: d! }); // a late duplicate
    expect(client.state.messages.map((m) => m.text)).toEqual(['a', 'b', 'c', 'd']);
    // A non-resumed snapshot (gap) starts over.
    sock.deliver(snapshot([d!], false));
    expect(client.state.messages.map((m) => m.text)).toEqual(['d']);
  });

  it('unwraps batch frames in order: messages, acks and deletions inside one frame act as if sent alone', async () => {
    const { client, sock } = setup();
    const [a, b, mine, c] = [msg('a'), msg('b'), msg('mine'), msg('c')];
    sock.deliver(snapshot([a!]));
    const sent = client.send('mine');
    const cid = sock.sent.at(-1)!.client_id as string;
    const seen: string[] = [];
    client.on('message', (f) => seen.push(f.message.text));
    sock.deliver(
      JSON.stringify({
        type: 'batch',
        frames: [
          { type: 'message', message: b },
          { type: 'ack', client_id: cid, message: mine, duplicate: false },
          { type: 'message', message: c },
          { type: 'message_deleted', message_id: a!.id },
          { type: 'some_future_frame', x: 1 },
        ],
      }),
    );
    await expect(sent).resolves.toEqual(mine);
    expect(seen).toEqual(['b', 'c']);
    expect(client.state.messages.map((m) => m.text)).toEqual(['b', 'mine', 'c']);
    expect(client.lastSeenId).toBe(c!.id);
  });

  it('applies what changed while away: a resume replaces edited copies and drops deleted ones', async () => {
    const { client, sock } = setup();
    const [a, b, c] = [msg('a'), msg('b'), msg('c')];
    sock.deliver(snapshot([a!, b!]));
    sock.drop();
    const edited = { ...a!, text: 'a (edited)', edited_at: new Date().toISOString(), reactions: { '👍': 2 } };
    sock.deliver({ ...snapshot([c!], true), changed: [edited], deleted: [b!.id] } as ServerFrame);
    expect(client.state.messages.map((m) => [m.text, m.reactions])).toEqual([
      ['a (edited)', { '👍': 2 }],
      ['c', {}],
    ]);
  });

  it('resolves a send on its ack, and resends unacknowledged sends with the same client id after a reconnect', async () => {
    const { client, sock } = setup();
    sock.deliver(snapshot([]));
    const p = client.send('hello');
    const first = sock.sent[0]!;
    expect(first).toMatchObject({ type: 'send', text: 'hello', client_id: expect.any(String) });
    sock.drop();
    const queued = client.send('while away');
    expect(sock.sent).toHaveLength(1); // not sent into a dead socket
    sock.deliver(snapshot([], true));
    expect(sock.sent.slice(1).map((f) => [f.client_id, f.text])).toEqual([
      [first.client_id, 'hello'],
      [expect.any(String), 'while away'],
    ]);
    const m = msg('hello');
    sock.deliver({ type: 'ack', client_id: first.client_id as string, message: m, duplicate: true });
    await expect(p).resolves.toEqual(m);
    sock.deliver({
      type: 'error',
      code: 'slow_mode',
      message: 'wait',
      retry_after: 3,
      ref: sock.sent[2]!.client_id as string,
    });
    const err = await queued.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoomError);
    expect(err).toMatchObject({ code: 'slow_mode', retryAfter: 3 });
    expect(client.state.messages.map((x) => x.text)).toEqual(['hello']);
  });

  it('stops for good on a ban close code and rejects pending sends', async () => {
    const { client, sock } = setup();
    sock.deliver(snapshot([]));
    const p = client.send('x');
    expect(sock.shouldReconnect(1006)).toBe(true);
    expect(sock.shouldReconnect(4003)).toBe(false);
    expect(sock.shouldReconnect(4004)).toBe(false);
    sock.drop(4003);
    await expect(p).rejects.toMatchObject({ code: 'banned' });
    expect(client.state).toMatchObject({ status: 'closed', closed: { code: 4003 } });
  });

  it('tracks presence, counts, typing, reactions, edits and deletions; ignores frames it cannot parse', async () => {
    const { client, sock } = setup();
    const m = msg('m');
    sock.deliver(snapshot([m]));
    const events: string[] = [];
    client.on('presence', (f) => events.push(`${f.event}:${f.user.id}`));
    const user = { id: 'x', name: 'X', avatar: null, role: 'user' as const };
    sock.deliver({ type: 'presence', event: 'join', user });
    sock.deliver({
      type: 'counts',
      counts: { viewers: 9, viewers_from: 'sockets', connections: 9, video_viewers: null, members: 4 },
    });
    sock.deliver({ type: 'typing', user, on: true });
    sock.deliver({ type: 'reactions', message_id: m.id, reactions: { '👍': 2 } });
    sock.deliver({ type: 'message_updated', message: { ...m, text: 'm2', reactions: { '👍': 2 } } });
    sock.deliver('garbage');
    sock.deliver('{"type":"from_the_future"}');
    expect(client.state).toMatchObject({ present: [user], counts: { viewers: 9 }, typing: [user] });
    expect(client.state.messages[0]).toMatchObject({ text: 'm2', reactions: { '👍': 2 } });
    sock.deliver({ type: 'presence', event: 'leave', user });
    sock.deliver({ type: 'message_deleted', message_id: m.id });
    expect(client.state.present).toEqual([]);
    expect(client.state.messages).toEqual([]);
    expect(events).toEqual(['join:x', 'leave:x']);
  });

  it("dials again at once after the server's 1012 reconnect (a shard move), resuming where it left off", async () => {
    const { client, sock } = setup();
    await sock.dial();
    const m = msg('before the move');
    sock.deliver(snapshot([m]));
    // Not partysocket's backoff: the transport is told to dial now.
    expect(sock.shouldReconnect(CLOSE.reconnect)).toBe(false);
    sock.drop(CLOSE.reconnect);
    expect(sock.reconnects).toBe(1);
    expect(client.state).toMatchObject({ status: 'reconnecting', closed: null });
    await sock.dial();
    expect(sock.urls[1]).toBe(`wss://api.example.com/v1/rooms/room_1/ws?token=tok&since=${m.id}`);
    // Any other close leaves the dialling to the transport's backoff.
    sock.drop(1006);
    expect(sock.reconnects).toBe(1);
  });

  it('when the token expires, asks for a new one and reconnects where it left off', async () => {
    let n = 0;
    const { client, sock } = setup(() => `tok${n++}`);
    await sock.dial();
    const m = msg('before expiry');
    sock.deliver(snapshot([m]));
    expect(sock.shouldReconnect(CLOSE.tokenExpired)).toBe(true);
    sock.drop(CLOSE.tokenExpired);
    expect(client.state).toMatchObject({ status: 'reconnecting', closed: null });
    await sock.dial();
    expect(sock.urls[1]).toBe(`wss://api.example.com/v1/rooms/room_1/ws?token=tok1&since=${m.id}`);

    // `getToken` is the same, under the name some code expects.
    let fake: FakeSocket | null = null;
    const named = new RoomClient({
      baseUrl: 'https://api.example.com',
      roomId: 'room_1',
      getToken: async () => 'fresh',
      socket: (url, should) => (fake = new FakeSocket(url, should)),
    }).connect();
    expect(fake!.shouldReconnect(CLOSE.tokenExpired)).toBe(true);
    await fake!.dial();
    expect(fake!.urls[0]).toBe('wss://api.example.com/v1/rooms/room_1/ws?token=fresh');
    named.close();
  });

  it('with a fixed token, stops when it expires instead of dialling again with it', async () => {
    const { client, sock } = setup('fixed');
    sock.deliver(snapshot([]));
    const p = client.send('x');
    expect(sock.shouldReconnect(CLOSE.tokenExpired)).toBe(false);
    sock.drop(CLOSE.tokenExpired);
    await expect(p).rejects.toMatchObject({ code: 'token_expired' });
    expect(client.state).toMatchObject({ status: 'closed', closed: { code: CLOSE.tokenExpired } });
  });
});
