import { auth as googleAuth, youtube, type youtube_v3 } from '@googleapis/youtube';
import type { ChatLink, ChatLinkHandlers } from './chat-link';
import { googleErrorOf, readChatPage } from './youtube-chat-page';

export interface YouTubeTarget {
  /** `https://youtube.googleapis.com/` in production; a local stand-in in tests. */
  apiRoot: string;
  liveChatId: string | null;
  /** Looked up for its active live chat when `liveChatId` is not known yet. */
  videoId: string | null;
  /** An API key reads public chats; an OAuth access token also writes (relay). */
  credential: { kind: 'api_key' | 'oauth'; value: string; refresh?: YouTubeRefresh | null };
}

/** How Google's client renews an expired access token (the OAuth refresh grant). */
export interface YouTubeRefresh {
  refreshToken: string;
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
}

/** What survives the object's eviction: the chat found and the page reached (no gap, no repeats). */
export interface YouTubeState {
  liveChatId: string | null;
  pageToken: string | null;
}

/**
 * YouTube Live Chat through Google's official client (`@googleapis/youtube`, the googleapis
 * package for this API): HTTP polling with a page token, not a connection. The room's alarm calls
 * `poll()` when the last page said to (`pollingIntervalMillis`); state lives in the room's SQLite
 * through `save`, so a woken object goes on from the page it had reached.
 */
export class YouTubeChat implements ChatLink {
  closed = false;
  private readonly api: youtube_v3.Youtube;
  private state: YouTubeState;
  /** Messages this connector wrote (relay): they come back in the next pages and are not the room's to show again. */
  private readonly own = new Set<string>();
  private readonly target: YouTubeTarget;
  private readonly on: ChatLinkHandlers;
  private readonly save: (s: YouTubeState) => void;
  private connected = false;

  constructor(target: YouTubeTarget, state: YouTubeState, on: ChatLinkHandlers, save: (s: YouTubeState) => void) {
    this.target = target;
    this.on = on;
    this.save = save;
    this.state = { ...state, liveChatId: state.liveChatId ?? target.liveChatId };
    const c = target.credential;
    let authOption: string | InstanceType<typeof googleAuth.OAuth2> = c.value;
    if (c.kind === 'oauth') {
      // With a refresh token, the client itself answers a 401 (the access token expired, after
      // about an hour) by asking the token endpoint for a new one and retrying the request once;
      // it then renews ahead of the new token's expiry. The new token lives in memory only: a
      // woken object starts from the sealed one and refreshes again.
      const r = c.refresh;
      const client = r
        ? new googleAuth.OAuth2({
            clientId: r.clientId,
            clientSecret: r.clientSecret,
            endpoints: { oauth2TokenUrl: r.tokenUrl },
          })
        : new googleAuth.OAuth2();
      client.setCredentials({ access_token: c.value, ...(r ? { refresh_token: r.refreshToken } : {}) });
      authOption = client;
    }
    this.api = youtube({ version: 'v3', rootUrl: target.apiRoot, auth: authOption });
  }

  /** The first poll: finds the chat, then reads the current page (what was said before is skipped). */
  async start(): Promise<number | null> {
    return this.poll();
  }

  /** One page; the delay until the next one, or null when this link is done (errored or ended). */
  async poll(): Promise<number | null> {
    if (this.closed) return null;
    try {
      const liveChatId = this.state.liveChatId ?? (await this.findChat());
      if (!liveChatId) return null;
      const first = this.state.pageToken === null;
      const res = await this.api.liveChatMessages.list({
        liveChatId,
        part: ['snippet', 'authorDetails'],
        maxResults: 200,
        ...(first ? {} : { pageToken: this.state.pageToken || undefined }),
      });
      if (this.closed) return null;
      const page = readChatPage(res.data);
      if (!this.connected) {
        this.connected = true;
        this.on.onStatus('connected', null);
      }
      // The first page is what was said before this connector joined: the room starts from now.
      if (!first) {
        for (const m of page.messages) if (!(m.id && this.own.delete(m.id))) this.on.onMessage(m);
        for (const id of page.deleted) this.on.onDeleted(id);
      }
      this.state = { liveChatId, pageToken: page.nextPageToken ?? this.state.pageToken ?? '' };
      this.save(this.state);
      if (page.ended) {
        this.fail('The YouTube live chat has ended.');
        return null;
      }
      return page.pollAfterMs;
    } catch (err) {
      this.fail(googleErrorOf(err));
      return null;
    }
  }

  private async findChat(): Promise<string | null> {
    if (!this.target.videoId) {
      this.fail('Neither a live chat id nor a video id.');
      return null;
    }
    const res = await this.api.videos.list({ part: ['liveStreamingDetails'], id: [this.target.videoId] });
    const id = res.data.items?.[0]?.liveStreamingDetails?.activeLiveChatId ?? null;
    if (!id) this.fail(`Video ${this.target.videoId} has no active live chat.`);
    return id;
  }

  /** A room message written into the YouTube chat (needs an OAuth token; YouTube caps a message at 200 characters). */
  async say(text: string): Promise<void> {
    const liveChatId = this.state.liveChatId;
    if (this.closed || !liveChatId || this.target.credential.kind !== 'oauth') return;
    try {
      const res = await this.api.liveChatMessages.insert({
        part: ['snippet'],
        requestBody: {
          snippet: { liveChatId, type: 'textMessageEvent', textMessageDetails: { messageText: text.slice(0, 200) } },
        },
      });
      if (res.data.id) this.own.add(res.data.id);
    } catch (err) {
      // A refused write is reported, but reading goes on: the room still hears the chat.
      this.on.onStatus('errored', googleErrorOf(err));
      this.connected = false;
    }
  }

  /** A message deleted in the room goes from the YouTube chat too (OAuth only: a key cannot moderate). */
  async remove(externalId: string): Promise<void> {
    if (this.closed || this.target.credential.kind !== 'oauth') return;
    try {
      await this.api.liveChatMessages.delete({ id: externalId });
    } catch (err) {
      // Refused (not the chat's owner or a moderator): said on the connector, which goes on reading.
      this.on.onStatus('connected', `Deleting a message was refused: ${googleErrorOf(err)}`);
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
  }

  private fail(error: string) {
    if (this.closed) return;
    this.closed = true;
    this.on.onStatus('errored', error);
  }
}
