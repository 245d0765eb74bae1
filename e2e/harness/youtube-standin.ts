import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A local stand-in for the part of the YouTube Data API v3 a live chat connector uses, answering
 * in YouTube's documented shapes (`youtube#liveChatMessageListResponse`, Google's error envelope
 * with a `reason`), so the connector's official client (`@googleapis/youtube`) runs unchanged with
 * its `rootUrl` pointed here. It checks the credential (`key=` or `Authorization: Bearer`), pages
 * with opaque tokens, echoes written messages into the chat as YouTube does, and can end the chat.
 * It is not YouTube: quotas, real OAuth, moderation and the message types beyond text are not here.
 */
export interface StandinChat {
  videoId: string;
  liveChatId: string;
  apiKey: string;
  token: string;
  /** The channel the OAuth token belongs to: what its written messages are authored as. */
  botChannel: { id: string; name: string };
  /** The OAuth client and refresh token that `POST /token` (Google's refresh grant) accepts. */
  oauthClient?: { id: string; secret: string; refreshToken: string };
}

interface Item {
  id: string;
  author: { id: string; name: string };
  text: string;
  at: string;
  /** A `messageDeletedEvent`: a moderator there deleted this earlier message. */
  deletedId?: string;
}

export class YouTubeStandin {
  readonly requests: { method: string; path: string; query: URLSearchParams; auth: 'key' | 'bearer' | null }[] = [];
  private readonly items: Item[] = [];
  /** Message ids deleted through `liveChatMessages.delete`. */
  readonly deleted: string[] = [];
  private ended = false;
  /** The access token accepted now (the first one until `expireToken`, then the last one refreshed). */
  private validToken: string | null;
  /** Refresh grants that `POST /token` answered, with the access token each handed out. */
  readonly refreshes: { clientId: string | null; clientSecret: string | null; issued: string }[] = [];
  private server: Server | null = null;
  private readonly chat: StandinChat;
  readonly port: number;
  /** What the list answers say about when to ask again (YouTube says a few seconds; tests go faster). */
  pollingIntervalMillis = 1000;

  constructor(port: number, chat: StandinChat) {
    this.port = port;
    this.chat = chat;
    this.validToken = chat.token;
  }

  /** Where Google's client sends a refresh grant (Google's `https://oauth2.googleapis.com/token`). */
  get tokenUrl() {
    return `${this.rootUrl}token`;
  }

  /** The access token expires (an hour after it was issued, at Google): every request with it is 401 from now on. */
  expireToken() {
    this.validToken = null;
  }

  /** The access token a request must carry now. */
  get currentToken() {
    return this.validToken;
  }

  get rootUrl() {
    return `http://127.0.0.1:${this.port}/`;
  }

  start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', () => resolve()));
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A viewer writes in the YouTube chat. */
  say(author: { id: string; name: string }, text: string) {
    this.items.push({ id: `LCC.${this.items.length + 1}`, author, text, at: new Date().toISOString() });
  }

  /** A moderator in the YouTube chat deletes a message: the next pages carry a `messageDeletedEvent`. */
  deleteThere(moderator: { id: string; name: string }, id: string) {
    this.items.push({
      id: `LCC.${this.items.length + 1}`,
      author: moderator,
      text: '',
      at: new Date().toISOString(),
      deletedId: id,
    });
  }

  /** The broadcast ends: the chat answers `liveChatEnded` from now on. */
  end() {
    this.ended = true;
  }

  heard(): Item[] {
    return this.items;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.rootUrl);
    const bearer = req.headers.authorization?.replace(/^Bearer /, '') ?? null;
    const auth = bearer ? 'bearer' : url.searchParams.has('key') ? 'key' : null;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, auth });
    const body = await new Promise<string>((resolve) => {
      let b = '';
      req.on('data', (d: Buffer) => {
        b += d.toString();
      });
      req.on('end', () => resolve(b));
    });
    if (req.method === 'POST' && url.pathname === '/token') return this.refresh(body, res);
    const authorized =
      (bearer !== null && bearer === this.validToken) || url.searchParams.get('key') === this.chat.apiKey;
    if (!authorized) return error(res, 401, 'authError', 'Request had invalid authentication credentials.');
    if (req.method === 'GET' && url.pathname === '/youtube/v3/videos') return this.videos(url, res);
    if (req.method === 'DELETE' && url.pathname === '/youtube/v3/liveChat/messages') {
      // Moderating takes OAuth (the chat's owner or a moderator); an API key is refused.
      if (!bearer) return error(res, 403, 'insufficientPermissions', 'Deleting needs an OAuth token.');
      const id = url.searchParams.get('id') ?? '';
      if (!this.items.some((m) => m.id === id)) return error(res, 404, 'liveChatMessageNotFound', 'No such message.');
      this.deleted.push(id);
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/youtube/v3/liveChat/messages') {
      if (url.searchParams.get('liveChatId') && url.searchParams.get('liveChatId') !== this.chat.liveChatId)
        return error(res, 404, 'liveChatNotFound', 'The live chat that you are trying to retrieve cannot be found.');
      if (this.ended) return error(res, 403, 'liveChatEnded', 'The specified live chat is no longer live.');
      if (req.method === 'GET') return this.list(url, res);
      if (req.method === 'POST') return this.insert(bearer, body, res);
    }
    return error(res, 404, 'notFound', `No ${req.method} ${url.pathname} here.`);
  }

  /** Google's refresh grant: form-encoded, answered with a new access token or `invalid_grant`. */
  private refresh(body: string, res: ServerResponse) {
    const f = new URLSearchParams(body);
    const c = this.chat.oauthClient;
    if (f.get('grant_type') !== 'refresh_token' || !c) return send(res, 400, { error: 'unsupported_grant_type' });
    if (f.get('client_id') !== c.id || f.get('client_secret') !== c.secret)
      return send(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    if (f.get('refresh_token') !== c.refreshToken)
      return send(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const issued = `ya29.standin-refreshed-${this.refreshes.length + 1}`;
    this.refreshes.push({ clientId: f.get('client_id'), clientSecret: f.get('client_secret'), issued });
    this.validToken = issued;
    send(res, 200, {
      access_token: issued,
      expires_in: 3599,
      scope: 'https://www.googleapis.com/auth/youtube.force-ssl',
      token_type: 'Bearer',
    });
  }

  private videos(url: URL, res: ServerResponse) {
    const ids = url.searchParams.getAll('id').flatMap((p) => p.split(','));
    const items = ids.includes(this.chat.videoId)
      ? [
          {
            kind: 'youtube#video',
            etag: 'standin',
            id: this.chat.videoId,
            liveStreamingDetails: {
              actualStartTime: new Date().toISOString(),
              concurrentViewers: '1',
              activeLiveChatId: this.chat.liveChatId,
            },
          },
        ]
      : [];
    send(res, 200, {
      kind: 'youtube#videoListResponse',
      etag: 'standin',
      items,
      pageInfo: { totalResults: items.length, resultsPerPage: 5 },
    });
  }

  private list(url: URL, res: ServerResponse) {
    // Google APIs take a repeated parameter either way: `part=a,b` or `part=a&part=b` (the client's).
    const parts = url.searchParams.getAll('part').flatMap((p) => p.split(','));
    if (!parts.includes('snippet')) return error(res, 400, 'invalidValue', 'part must include snippet.');
    // Page tokens are opaque to the client: here, the index of the next message.
    const token = url.searchParams.get('pageToken');
    const from = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    if (!Number.isInteger(from) || from < 0) return error(res, 400, 'pageTokenInvalid', 'The page token is not valid.');
    const page = this.items.slice(from, from + Number(url.searchParams.get('maxResults') ?? 500));
    send(res, 200, {
      kind: 'youtube#liveChatMessageListResponse',
      etag: 'standin',
      pollingIntervalMillis: this.pollingIntervalMillis,
      pageInfo: { totalResults: page.length, resultsPerPage: page.length },
      nextPageToken: Buffer.from(String(from + page.length)).toString('base64url'),
      items: page.map((m) => ({
        kind: 'youtube#liveChatMessage',
        etag: 'standin',
        id: m.id,
        snippet: m.deletedId
          ? {
              type: 'messageDeletedEvent',
              liveChatId: this.chat.liveChatId,
              authorChannelId: m.author.id,
              publishedAt: m.at,
              hasDisplayContent: false,
              messageDeletedDetails: { deletedMessageId: m.deletedId },
            }
          : {
              type: 'textMessageEvent',
              liveChatId: this.chat.liveChatId,
              authorChannelId: m.author.id,
              publishedAt: m.at,
              hasDisplayContent: true,
              displayMessage: m.text,
              textMessageDetails: { messageText: m.text },
            },
        ...(parts.includes('authorDetails')
          ? {
              authorDetails: {
                channelId: m.author.id,
                channelUrl: `http://www.youtube.com/channel/${m.author.id}`,
                displayName: m.author.name,
                profileImageUrl: 'https://yt3.ggpht.com/standin',
                isVerified: false,
                isChatOwner: m.author.id === this.chat.botChannel.id,
                isChatSponsor: false,
                isChatModerator: false,
              },
            }
          : {}),
      })),
    });
  }

  private insert(bearer: string | null, body: string, res: ServerResponse) {
    // YouTube takes writes from OAuth only; an API key is refused.
    if (!bearer) return error(res, 403, 'insufficientPermissions', 'Writing needs an OAuth token.');
    let text = '';
    try {
      const b = JSON.parse(body) as { snippet?: { type?: string; textMessageDetails?: { messageText?: string } } };
      if (b.snippet?.type !== 'textMessageEvent') throw new Error('type');
      text = b.snippet.textMessageDetails?.messageText ?? '';
    } catch {
      return error(res, 400, 'invalidValue', 'A textMessageEvent snippet is needed.');
    }
    if (!text || text.length > 200)
      return error(res, 400, 'messageTextInvalid', 'The message text is empty or too long.');
    this.say(this.chat.botChannel, text);
    const m = this.items.at(-1)!;
    send(res, 200, {
      kind: 'youtube#liveChatMessage',
      etag: 'standin',
      id: m.id,
      snippet: {
        type: 'textMessageEvent',
        liveChatId: this.chat.liveChatId,
        authorChannelId: m.author.id,
        publishedAt: m.at,
        hasDisplayContent: true,
        displayMessage: text,
        textMessageDetails: { messageText: text },
      },
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** Google's error envelope, as the Data API answers. */
function error(res: ServerResponse, code: number, reason: string, message: string) {
  send(res, code, { error: { code, message, errors: [{ message, domain: 'youtube.liveChat', reason }] } });
}
