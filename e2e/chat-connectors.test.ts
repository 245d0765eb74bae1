/**
 * External chat in a room, for real: a room's Twitch connector (IRC, what Twitch chat speaks) held
 * by the room object over a Workers TCP socket, against Debian's ngIRCd on 127.0.0.1. The server has
 * a password, as Twitch checks `PASS oauth:...`: a wrong token is refused (the connector says why),
 * the right one (sealed at rest, opened by the room) gets in. A message a person writes in the IRC
 * channel arrives on the room socket as a `source: "twitch"` message within a second; a
 * blocklisted word from IRC never arrives; a moderator deletes an IRC message here; a message
 * written in the room goes out to the channel; the server going away is `errored`.
 *
 * The first version of this file never passed: ngIRCd without a password refuses any `PASS`
 * ("Bad server password") and hangs up, so the connector never joined. The server here is given
 * the token as its password, which also proves the token reaches it.
 *
 * YouTube Live Chat through Google's client against a local stand-in of the Data API
 * (harness/youtube-standin.ts; YouTube itself cannot be reached here): the chat found from its
 * video, pages polled with their token, a viewer's message in the room as `source: "youtube"`, the
 * blocklist, a room message written back with OAuth (and not shown twice), an API key reading,
 * and the broadcast's end as `errored`.
 *
 * Deletions go both ways: a moderator's delete in the room deletes the message in YouTube's chat
 * (liveChatMessages.delete through the client) and in Twitch's (Helix `moderation/chat`, against
 * a stand-in of Twitch's tagged IRC and Helix, harness/twitch-standin.ts: ngIRCd sends no message
 * ids, and Twitch itself cannot be reached here); a message deleted there (YouTube's
 * `messageDeletedEvent`, Twitch's `CLEARMSG`) is removed from the room.
 *
 * YouTube's access token expiring: the stand-in answers 401, Google's client refreshes it with the
 * refresh token at the (stand-in's) token endpoint and the connector goes on relaying both ways.
 *
 * Ports (issue 13's range): wrangler dev 20060, Twitch stand-in IRC 20066 and Helix 20067, the
 * YouTube stand-ins 20068 and 21401, ngIRCd 20069.
 */
import type { Message, ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { IrcServer, IrcUser } from './harness/irc-server.ts';
import { sleep, until } from './harness/live.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';
import { TwitchStandin } from './harness/twitch-standin.ts';
import { YouTubeStandin } from './harness/youtube-standin.ts';

const WORKER_PORT = 20060;
const IRC_PORT = 20069;
const CHANNEL = '#edgelive';
const TOKEN = 'oauth:e2e-chat-token';
const YT = {
  videoId: 'e2eLiveVid01',
  liveChatId: 'Cg0KC2UyZUxpdmVWaWQwMQ',
  apiKey: 'AIzaSy-e2e-standin-key',
  token: 'ya29.e2e-standin-access-token',
  botChannel: { id: 'UCedgelivebot00000000000', name: 'Edgelive Bot' },
};
const youtube = new YouTubeStandin(20068, YT);
/** A second chat whose access token expires mid-session (the first one's chat ends in its test). */
const YT2 = {
  ...YT,
  videoId: 'e2eLiveVid02',
  liveChatId: 'Cg0KC2UyZUxpdmVWaWQwMg',
  token: 'ya29.e2e-standin-token-that-expires',
  oauthClient: {
    id: 'e2e-client.apps.googleusercontent.com',
    secret: 'GOCSPX-e2e-secret',
    refreshToken: '1//e2e-refresh-token',
  },
};
const youtube2 = new YouTubeStandin(21401, YT2);
const twitch = new TwitchStandin(20066, 20067, TOKEN, { edgelivebot: '100000001', edgelive: '100000002' });

let stack: TestStack;
const ircd = new IrcServer(IRC_PORT, TOKEN);
const alice = new IrcUser('alice');
let socket: WebSocket | null = null;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  await ircd.start();
  await youtube.start();
  await youtube2.start();
  await twitch.start();
  // The IRC server is on loopback: allowed in development under the webhooks' switch.
  stack = await startTestStack({ port: WORKER_PORT, vars: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
});

afterAll(async () => {
  for (const ws of sockets) ws.close();
  alice.close();
  await stack?.stop();
  await ircd.stop();
  await youtube.stop();
  await youtube2.stop();
  await twitch.stop();
});

type Frames = { at: number; frame: ServerFrame }[];

async function roomSocket(roomId: string, sub: string, role?: string): Promise<Frames> {
  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  const token = await new SignJWT({ name: 'Host', ...(role ? { role } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
    .setSubject(sub)
    .setAudience('chat')
    .setExpirationTime('1h')
    .sign(key);
  const frames: Frames = [];
  const ws = new WebSocket(`ws://127.0.0.1:${WORKER_PORT}/v1/rooms/${roomId}/ws?token=${encodeURIComponent(token)}`);
  socket = ws;
  sockets.push(ws);
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as ServerFrame;
    for (const x of f.type === 'batch' ? (f.frames as ServerFrame[]) : [f]) frames.push({ at: Date.now(), frame: x });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await until('the snapshot', () => frames.some((f) => f.frame.type === 'snapshot'));
  return frames;
}

const messagesIn = (frames: Frames) =>
  frames.flatMap((f) => (f.frame.type === 'message' ? [{ at: f.at, m: f.frame.message as Message }] : []));

type ConnectorView = { id: string; status: string; token_set: boolean; last_error: string | null };

function connectorUntil(roomId: string, id: string, what: (c: ConnectorView) => boolean, label: string) {
  let last: ConnectorView | null = null;
  return until(
    label,
    async () => {
      last = await stack.api.call<ConnectorView>('GET', `/v1/rooms/${roomId}/connectors/${id}`);
      return what(last) ? last : null;
    },
    20_000,
  ).catch((err: unknown) => {
    throw new Error(`${String(err)}; connector ${JSON.stringify(last)}`);
  });
}

const twitchConnector = (token: string) => ({
  kind: 'twitch',
  channel: 'edgelive',
  host: '127.0.0.1',
  port: IRC_PORT,
  tls: false,
  nick: 'edgelivebot',
  token,
  relay: true,
});

describe('chat connectors (a real IRC server)', () => {
  it('brings IRC messages into the room marked twitch within a second, blocks blocklisted words, relays room messages out', async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', {
      name: 'with twitch',
      settings: { blocklist: { words: ['spoiler'] } },
    });
    const frames = await roomSocket(room.id, 'host');

    // A wrong token: the server refuses it and the connector says so (no reconnect storm here: one check per 15 s).
    const wrong = await stack.api.call<ConnectorView>(
      'POST',
      `/v1/rooms/${room.id}/connectors`,
      twitchConnector('oauth:wrong'),
    );
    const refused = await connectorUntil(room.id, wrong.id, (c) => c.status === 'errored', 'the wrong token refused');
    expect(refused.last_error).toMatch(/password/i);
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/connectors/${wrong.id}`);

    const connector = await stack.api.call<ConnectorView>(
      'POST',
      `/v1/rooms/${room.id}/connectors`,
      twitchConnector(TOKEN),
    );
    expect(connector).toMatchObject({ status: 'connecting', token_set: true });
    expect(JSON.stringify(connector)).not.toContain(TOKEN);
    await connectorUntil(room.id, connector.id, (c) => c.status === 'connected', 'the connector connected');
    await alice.connect(IRC_PORT, CHANNEL, TOKEN);
    expect(alice.names).toContain('edgelivebot');

    const sentAt = Date.now();
    alice.say(CHANNEL, 'hello from twitch');
    const got = await until('the IRC message in the room', () =>
      messagesIn(frames).find((x) => x.m.text === 'hello from twitch'),
    );
    expect(got.m).toMatchObject({ source: 'twitch', user: { name: 'alice', id: 'twitch:alice' } });
    expect(got.at - sentAt).toBeLessThan(1000);

    alice.say(CHANNEL, 'huge spoiler ahead');
    alice.say(CHANNEL, 'and after that one');
    await until('the next message', () => messagesIn(frames).find((x) => x.m.text === 'and after that one'));
    expect(messagesIn(frames).some((x) => x.m.text.includes('huge spoiler'))).toBe(false);

    // A moderator here deletes an IRC message like any other: the room sees it go.
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/messages/${got.m.id}`);
    await until('the delete on the socket', () =>
      frames.find((f) => f.frame.type === 'message_deleted' && f.frame.message_id === got.m.id),
    );

    // Written in the room: relayed to the channel by the bot, with the author's name.
    socket!.send(JSON.stringify({ type: 'send', client_id: 'c1', text: 'hi twitch, from the site' }));
    await until('the room message in IRC', () =>
      alice.heard.find((h) => h.from === 'edgelivebot' && h.text === '<Host> hi twitch, from the site'),
    );

    // History keeps the source; the events say the connector connected (and the wrong one errored).
    const history = await stack.api.call<{ data: Message[] }>('GET', `/v1/rooms/${room.id}/messages?limit=10`);
    expect(history.data.find((m) => m.text === 'and after that one')?.source).toBe('twitch');
    expect(history.data.some((m) => m.text === 'hello from twitch')).toBe(false);
    const events = await stack.api.call<{ data: { type: string }[] }>('GET', `/v1/events?object_id=${connector.id}`);
    expect(events.data.map((e) => e.type)).toContain('chat_connector.connected');
    const wrongEvents = await stack.api.call<{ data: { type: string }[] }>('GET', `/v1/events?object_id=${wrong.id}`);
    expect(wrongEvents.data.map((e) => e.type)).toContain('chat_connector.errored');

    // The IRC server goes away: the connector says errored.
    await ircd.stop();
    await connectorUntil(room.id, connector.id, (c) => c.status === 'errored', 'errored after the server left');
    expect((await stack.api.call<{ data: unknown[] }>('GET', `/v1/rooms/${room.id}/connectors`)).data).toHaveLength(1);
  }, 90_000);

  it('brings a YouTube live chat in through the Data API client (a local stand-in), relays back with OAuth, reads with a key', async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', {
      name: 'with youtube',
      settings: { blocklist: { words: ['spoiler'] } },
    });
    const frames = await roomSocket(room.id, 'host');
    const base = { kind: 'youtube', api_root: youtube.rootUrl };

    // Relay needs an OAuth token: a key cannot write to YouTube.
    const refused = await stack.api.request<{ error: { code: string; details?: { field?: string } } }>(
      'POST',
      `/v1/rooms/${room.id}/connectors`,
      { ...base, video_id: YT.videoId, api_key: YT.apiKey, relay: true },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details?.field).toBe('relay');

    type YtView = ConnectorView & { channel: string; auth: string; video_id: string | null };
    const connector = await stack.api.call<YtView>('POST', `/v1/rooms/${room.id}/connectors`, {
      ...base,
      video_id: YT.videoId,
      token: YT.token,
      relay: true,
    });
    expect(connector).toMatchObject({ status: 'connecting', token_set: true, auth: 'oauth', video_id: YT.videoId });
    expect(JSON.stringify(connector)).not.toContain(YT.token);
    const up = await connectorUntil(
      room.id,
      connector.id,
      (c) => c.status === 'connected',
      'the YouTube chat connected',
    );
    expect((up as YtView).channel).toBe(YT.liveChatId);

    const viewer = { id: 'UCviewerone0000000000000', name: 'Viewer One' };
    const sentAt = Date.now();
    youtube.say(viewer, 'hello from youtube');
    const got = await until('the YouTube message in the room', () =>
      messagesIn(frames).find((x) => x.m.text === 'hello from youtube'),
    ).catch((err: unknown) => {
      const asked = youtube.requests.slice(-5).map((r) => `${r.method} ${r.path}?${r.query}`);
      throw new Error(`${String(err)}; the stand-in's last requests: ${JSON.stringify(asked)}`);
    });
    expect(got.m).toMatchObject({ source: 'youtube', user: { name: 'Viewer One', id: `youtube:${viewer.id}` } });
    // Polled: at most one poll interval (1 s here, YouTube's own pace otherwise) plus the request.
    expect(got.at - sentAt).toBeLessThan(3000);

    youtube.say(viewer, 'a spoiler from youtube');
    youtube.say(viewer, 'and the next one');
    await until('the next YouTube message', () => messagesIn(frames).find((x) => x.m.text === 'and the next one'));
    expect(messagesIn(frames).some((x) => x.m.text.includes('spoiler'))).toBe(false);

    // Deleted here by a moderator: deleted in the YouTube chat too (liveChatMessages.delete, OAuth).
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/messages/${got.m.id}`);
    const upstream = youtube.heard().find((m) => m.text === 'hello from youtube')!.id;
    await until('the deletion in the YouTube chat', () => youtube.deleted.includes(upstream));
    expect(youtube.requests.find((r) => r.method === 'DELETE')).toMatchObject({ auth: 'bearer' });

    // Deleted there by a moderator of the YouTube chat (a messageDeletedEvent in the next page):
    // removed from the room, and not sent back to YouTube, where it is already gone.
    const next = messagesIn(frames).find((x) => x.m.text === 'and the next one')!;
    const nextUpstream = youtube.heard().find((m) => m.text === 'and the next one')!.id;
    const deletesBefore = youtube.deleted.length;
    youtube.deleteThere({ id: 'UCmod', name: 'Mod' }, nextUpstream);
    await until('the YouTube deletion in the room', () =>
      frames.some((f) => f.frame.type === 'message_deleted' && f.frame.message_id === next.m.id),
    );
    const history = await stack.api.call<{ data: Message[] }>('GET', `/v1/rooms/${room.id}/messages`);
    expect(history.data.some((m) => m.id === next.m.id)).toBe(false);
    expect(youtube.deleted).toHaveLength(deletesBefore);

    // Written in the room: inserted in the YouTube chat with the token, and not brought back in as a YouTube message.
    socket!.send(JSON.stringify({ type: 'send', client_id: 'y1', text: 'hi youtube, from the site' }));
    await until('the room message in the YouTube chat', () =>
      youtube.heard().find((m) => m.author.id === YT.botChannel.id && m.text === '<Host> hi youtube, from the site'),
    );
    const pollsBefore = youtube.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/messages')).length;
    await until(
      'two more polls',
      () =>
        youtube.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/messages')).length >= pollsBefore + 2,
    );
    // (The author's own socket gets an ack, not the message: an echo from YouTube would be the only one here.)
    expect(frames.some((f) => f.frame.type === 'ack' && f.frame.client_id === 'y1')).toBe(true);
    expect(messagesIn(frames).filter((x) => x.m.text.includes('hi youtube, from the site'))).toHaveLength(0);

    // What the client sent: the token as a bearer, the chat id, and each page's token after the first.
    const lists = youtube.requests.filter((r) => r.method === 'GET' && r.path === '/youtube/v3/liveChat/messages');
    expect(lists.every((r) => r.auth === 'bearer' && r.query.get('liveChatId') === YT.liveChatId)).toBe(true);
    expect(lists[0]!.query.has('pageToken')).toBe(false);
    expect(lists.slice(1).every((r) => r.query.has('pageToken'))).toBe(true);
    expect(youtube.requests.some((r) => r.path === '/youtube/v3/videos' && r.query.get('id') === YT.videoId)).toBe(
      true,
    );

    // An API key reads a chat named by its id.
    const reader = await stack.api.call<YtView>('POST', `/v1/rooms/${room.id}/connectors`, {
      ...base,
      live_chat_id: YT.liveChatId,
      api_key: YT.apiKey,
    });
    await connectorUntil(room.id, reader.id, (c) => c.status === 'connected', 'the key reader connected');
    expect(youtube.requests.some((r) => r.auth === 'key' && r.query.get('key') === YT.apiKey)).toBe(true);
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/connectors/${reader.id}`);

    // The broadcast ends: YouTube says liveChatEnded, the connector is errored with that reason.
    youtube.end();
    const ended = await connectorUntil(room.id, connector.id, (c) => c.status === 'errored', 'errored at the end');
    expect(ended.last_error).toContain('liveChatEnded');
    await sleep(100);
    const events = await stack.api.call<{ data: { type: string }[] }>('GET', `/v1/events?object_id=${connector.id}`);
    expect(events.data.map((e) => e.type)).toEqual(
      expect.arrayContaining(['chat_connector.connected', 'chat_connector.errored']),
    );
  }, 90_000);

  it('deletes a Twitch message upstream through Helix when a moderator deletes it in the room, and takes CLEARMSG back', async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', { name: 'twitch deletes' });
    const frames = await roomSocket(room.id, 'host');
    const connector = await stack.api.call<ConnectorView>('POST', `/v1/rooms/${room.id}/connectors`, {
      ...twitchConnector(TOKEN),
      port: twitch.ircPort,
      api_root: twitch.apiRoot,
    });
    await connectorUntil(room.id, connector.id, (c) => c.status === 'connected', 'joined the Twitch stand-in');
    const upstream = twitch.say('#edgelive', 'viewer', 'please delete me');
    const got = await until('the Twitch message in the room', () =>
      messagesIn(frames).find((x) => x.m.text === 'please delete me'),
    );
    expect(got.m.source).toBe('twitch');
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/messages/${got.m.id}`);
    await until('the deletion on Twitch', () => twitch.deleted.includes(upstream));
    // Helix was asked as Twitch wants: the token's client id, the channel's and the bot's user ids.
    const del = twitch.requests.find((r) => r.method === 'DELETE')!;
    expect(del.clientId).toBe(twitch.clientId);
    expect(Object.fromEntries(del.query)).toEqual({
      broadcaster_id: '100000002',
      moderator_id: '100000001',
      message_id: upstream,
    });
    // Deleted on Twitch by a moderator there (CLEARMSG): removed from the room, nothing sent back to Helix.
    const second = twitch.say('#edgelive', 'viewer', 'deleted on twitch');
    const secondHere = await until('the second Twitch message in the room', () =>
      messagesIn(frames).find((x) => x.m.text === 'deleted on twitch'),
    );
    const sentAt = Date.now();
    twitch.clearMessage('#edgelive', 'viewer', second, 'deleted on twitch');
    const gone = await until('the CLEARMSG in the room', () =>
      frames.find((f) => f.frame.type === 'message_deleted' && f.frame.message_id === secondHere.m.id),
    );
    expect(gone.at - sentAt).toBeLessThan(1000);
    const history = await stack.api.call<{ data: Message[] }>('GET', `/v1/rooms/${room.id}/messages`);
    expect(history.data.some((m) => m.id === secondHere.m.id)).toBe(false);
    // A message written in the room (no upstream id) deletes nothing there.
    socket!.send(JSON.stringify({ type: 'send', client_id: 't1', text: 'mine' }));
    const ack = await until('the ack', () => frames.find((f) => f.frame.type === 'ack' && f.frame.client_id === 't1'));
    const mine = (ack.frame as { message: Message }).message;
    await stack.api.call('DELETE', `/v1/rooms/${room.id}/messages/${mine.id}`);
    await sleep(500);
    expect(twitch.deleted).toEqual([upstream]);
    expect((await connectorUntil(room.id, connector.id, () => true, 'the connector')).last_error).toBeNull();
  }, 60_000);

  it("refreshes YouTube's expired access token through Google's client and goes on relaying", async () => {
    const room = await stack.api.call<{ id: string }>('POST', '/v1/rooms', { name: 'youtube refresh' });
    const frames = await roomSocket(room.id, 'host');
    const c = YT2.oauthClient;
    const body = {
      kind: 'youtube',
      api_root: youtube2.rootUrl,
      video_id: YT2.videoId,
      token: YT2.token,
      refresh_token: c.refreshToken,
      client_id: c.id,
      client_secret: c.secret,
      token_url: youtube2.tokenUrl,
      relay: true,
    };
    // The refresh token alone is not enough: Google wants the client it was issued to.
    const half = await stack.api.request<{ error: { details?: { field?: string } } }>(
      'POST',
      `/v1/rooms/${room.id}/connectors`,
      { ...body, client_secret: undefined },
    );
    expect(half.status).toBe(400);
    expect(half.body.error.details?.field).toBe('refresh_token');

    type View = ConnectorView & { refresh_token_set: boolean; token_url: string };
    const connector = await stack.api.call<View>('POST', `/v1/rooms/${room.id}/connectors`, body);
    expect(connector).toMatchObject({ refresh_token_set: true, token_url: youtube2.tokenUrl });
    for (const secret of [YT2.token, c.refreshToken, c.secret]) expect(JSON.stringify(connector)).not.toContain(secret);
    await connectorUntil(room.id, connector.id, (v) => v.status === 'connected', 'connected with the first token');
    const viewer = { id: 'UCviewertwo0000000000000', name: 'Viewer Two' };
    youtube2.say(viewer, 'before the token expired');
    await until('a message with the first token', () =>
      messagesIn(frames).find((x) => x.m.text === 'before the token expired'),
    );
    expect(youtube2.refreshes).toHaveLength(0);

    // An hour later at Google: the token is refused (401), the client refreshes it and retries.
    youtube2.expireToken();
    youtube2.say(viewer, 'after the token expired');
    await until('a message after the refresh', () =>
      messagesIn(frames).find((x) => x.m.text === 'after the token expired'),
    );
    expect(youtube2.refreshes).toEqual([{ clientId: c.id, clientSecret: c.secret, issued: youtube2.currentToken }]);
    const lists = youtube2.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/liveChat/messages'));
    expect(lists.some((r) => r.auth === 'bearer')).toBe(true);
    // Relaying out uses the new token too.
    socket!.send(JSON.stringify({ type: 'send', client_id: 'r1', text: 'still relaying' }));
    await until('the room message in the YouTube chat', () =>
      youtube2.heard().find((m) => m.text === '<Host> still relaying'),
    );
    const status = await connectorUntil(room.id, connector.id, () => true, 'the connector');
    expect(status).toMatchObject({ status: 'connected', last_error: null });
    expect(youtube2.refreshes).toHaveLength(1);
  }, 60_000);
});
