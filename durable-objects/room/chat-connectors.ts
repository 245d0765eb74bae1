import type { Env } from '../../core/env';
import { openSecret } from '../../core/secret-box';
import type { ChatLink, ChatLinkHandlers } from './chat-link';
import type { ConnectorConfig, ConnectorView } from './contract';
import { IrcClient } from './irc-client';
import type { RoomContext } from './room-context';
import { YouTubeChat, type YouTubeState } from './youtube-chat';

/** How often the room's alarm checks its connections (and restarts one that dropped). */
export const CONNECTOR_CHECK_MS = 15_000;
/** The alarm timer that reads YouTube's next pages. */
export const CONNECTOR_POLL = 'connector-poll';

type ExternalMessage = Parameters<ChatLinkHandlers['onMessage']>[0];

/**
 * The room's external chats (`/v1/rooms/{id}/connectors`): their settings live in the room's own
 * SQLite (meta `connectors`), one live link each while the object runs (Twitch: an IRC connection;
 * YouTube: pages polled from the room's alarm); messages from there go through `onExternal` (the
 * room's blocklist, then history and fan-out), and the room's own messages go out to connectors
 * that relay. A dropped link is `errored` (an event) and is started again by the next check.
 */
export class ChatConnectors {
  private readonly room: RoomContext;
  private readonly env: Env;
  private readonly live = new Map<string, ChatLink>();
  /** YouTube links and when each asked to be polled next. */
  private readonly due = new Map<string, number>();
  private readonly status = new Map<string, { status: ConnectorView['status']; error: string | null }>();
  private readonly onExternal: (c: ConnectorConfig, m: ExternalMessage) => void;
  /** A message deleted upstream, by its ref (`<connector id>:<external id>`, as `onExternal` stored it). */
  private readonly onExternalDeleted: (ref: string) => void;

  constructor(
    room: RoomContext,
    env: Env,
    onExternal: ChatConnectors['onExternal'],
    onExternalDeleted: ChatConnectors['onExternalDeleted'],
  ) {
    this.room = room;
    this.env = env;
    this.onExternal = onExternal;
    this.onExternalDeleted = onExternalDeleted;
  }

  configs(): ConnectorConfig[] {
    return JSON.parse(this.room.store.getMeta('connectors') ?? '[]') as ConnectorConfig[];
  }

  list(): ConnectorView[] {
    return this.configs().map((c) => this.view(c));
  }

  view(c: ConnectorConfig): ConnectorView {
    const s = this.status.get(c.id) ?? { status: 'connecting' as const, error: null };
    const { token_sealed: _, refresh_sealed, token_url, api_root, video_id, auth, ...rest } = c;
    // A YouTube chat found from its video shows its id once known.
    const found = c.kind === 'youtube' && !c.channel ? this.youtubeState(c.id).liveChatId : null;
    return {
      ...rest,
      channel: found ?? c.channel,
      api_root: api_root ?? null,
      video_id: video_id ?? null,
      auth: auth ?? (c.token_sealed ? 'oauth' : null),
      token_set: c.token_sealed !== null,
      refresh_token_set: Boolean(refresh_sealed),
      token_url: token_url ?? null,
      status: s.status,
      last_error: s.error,
    };
  }

  add(c: ConnectorConfig): ConnectorView {
    this.room.store.setMeta('connectors', JSON.stringify([...this.configs().filter((x) => x.id !== c.id), c]));
    void this.ensure();
    return this.view(c);
  }

  async remove(id: string): Promise<boolean> {
    const all = this.configs();
    if (!all.some((c) => c.id === id)) return false;
    this.room.store.setMeta('connectors', JSON.stringify(all.filter((c) => c.id !== id)));
    await this.live.get(id)?.stop();
    this.live.delete(id);
    this.due.delete(id);
    this.status.delete(id);
    this.room.store.setMeta(`connector_state:${id}`, '');
    return true;
  }

  /** Starts every connector without a live link; true while there is any (the alarm keeps checking). */
  async ensure(): Promise<boolean> {
    const all = this.configs();
    for (const c of all) {
      const running = this.live.get(c.id);
      if (running && !running.closed) continue;
      const secret = c.token_sealed
        ? await openSecret(this.env, 'chat_connector_token', c.token_sealed).catch(() => null)
        : null;
      const on: ChatLinkHandlers = {
        onMessage: (m) => this.onExternal(c, m),
        onDeleted: (id) => this.onExternalDeleted(`${c.id}:${id}`),
        onStatus: (status, error) => this.setStatus(c, status, error),
      };
      if (c.kind === 'youtube') {
        const refresh = c.refresh_sealed
          ? await openSecret(this.env, 'chat_connector_token', c.refresh_sealed)
              .then((raw) => JSON.parse(raw) as { refresh_token: string; client_id: string; client_secret: string })
              .catch(() => null)
          : null;
        if (!secret || (c.refresh_sealed && !refresh)) {
          this.setStatus(c, 'errored', 'The credential could not be opened.');
          continue;
        }
        const link = new YouTubeChat(
          {
            apiRoot: c.api_root ?? 'https://youtube.googleapis.com/',
            liveChatId: c.channel || null,
            videoId: c.video_id ?? null,
            credential: {
              kind: c.auth === 'api_key' ? 'api_key' : 'oauth',
              value: secret,
              refresh: refresh && {
                refreshToken: refresh.refresh_token,
                clientId: refresh.client_id,
                clientSecret: refresh.client_secret,
                tokenUrl: c.token_url ?? 'https://oauth2.googleapis.com/token',
              },
            },
          },
          this.youtubeState(c.id),
          on,
          (s) => this.room.store.setMeta(`connector_state:${c.id}`, JSON.stringify(s)),
        );
        this.live.set(c.id, link);
        this.room.ctx.waitUntil(link.start().then((after) => this.pollAgain(c.id, after)));
        continue;
      }
      const client = new IrcClient(
        {
          host: c.host,
          port: c.port,
          tls: c.tls,
          nick: c.nick ?? '',
          password: secret,
          channel: c.channel,
          debug: this.env.ENVIRONMENT !== 'production',
          apiRoot: c.api_root ?? null,
        },
        on,
      );
      this.live.set(c.id, client);
      this.room.ctx.waitUntil(client.start());
    }
    if (all.length) this.room.schedule('connectors', Date.now() + CONNECTOR_CHECK_MS);
    return all.length > 0;
  }

  /** The room's alarm: reads the next page of every YouTube chat that is due. */
  async poll(now: number): Promise<void> {
    for (const [id, at] of [...this.due]) {
      if (at > now) continue;
      this.due.delete(id);
      const link = this.live.get(id);
      if (link instanceof YouTubeChat) this.pollAgain(id, await link.poll());
    }
    this.rearmPoll();
  }

  /** A message sent in the room goes out to every connector that relays, marked with its author. */
  relay(author: string, text: string) {
    for (const c of this.configs()) if (c.relay) void this.live.get(c.id)?.say(`<${author}> ${text}`);
  }

  /**
   * A message a connector brought in was deleted in the room: deleted in the external chat too,
   * with the connector's credential (YouTube: liveChatMessages.delete with OAuth; Twitch: the Helix
   * moderation API with the bot's token, which must be a moderator there). A connector removed
   * since, or not running, leaves it there.
   */
  removeUpstream(ref: string) {
    const sep = ref.indexOf(':');
    const link = this.live.get(ref.slice(0, sep));
    if (link && sep > 0) this.room.ctx.waitUntil(link.remove(ref.slice(sep + 1)));
  }

  private pollAgain(id: string, afterMs: number | null) {
    if (afterMs === null || !this.live.has(id)) return;
    this.due.set(id, Date.now() + afterMs);
    this.rearmPoll();
  }

  private rearmPoll() {
    const next = Math.min(...this.due.values());
    if (Number.isFinite(next)) this.room.schedule(CONNECTOR_POLL, next);
  }

  private youtubeState(id: string): YouTubeState {
    const raw = this.room.store.getMeta(`connector_state:${id}`);
    return raw ? (JSON.parse(raw) as YouTubeState) : { liveChatId: null, pageToken: null };
  }

  private setStatus(c: ConnectorConfig, status: 'connected' | 'errored', error: string | null) {
    const before = this.status.get(c.id)?.status;
    this.status.set(c.id, { status, error });
    // Repeated errors while the server stays down are one event per attempt, like simulcast retries.
    if (before !== status || status === 'errored')
      this.room.emit(`chat_connector.${status}`, 'chat_connector', c.id, { ...this.view(c), room_id: c.room_id });
  }
}
