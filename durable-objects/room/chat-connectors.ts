import type { Env } from '../../core/env';
import { openSecret } from '../../core/secret-box';
import type { ConnectorConfig, ConnectorView } from './contract';
import { IrcClient } from './irc-client';
import type { RoomContext } from './room-context';

/** How often the room's alarm checks its connections (and restarts one that dropped). */
export const CONNECTOR_CHECK_MS = 15_000;

/**
 * The room's external chats (`/v1/rooms/{id}/connectors`): their settings live in the room's own
 * SQLite (meta `connectors`), one live IRC connection each while the object runs; messages from
 * there go through `onExternal` (the room's blocklist, then history and fan-out), and the room's
 * own messages go out to connectors that relay. A dropped connection is `errored` (an event) and
 * is started again by the next check.
 */
export class ChatConnectors {
  private readonly room: RoomContext;
  private readonly env: Env;
  private readonly live = new Map<string, IrcClient>();
  private readonly status = new Map<string, { status: ConnectorView['status']; error: string | null }>();
  private readonly onExternal: (c: ConnectorConfig, m: { author: string; text: string; id: string | null }) => void;

  constructor(room: RoomContext, env: Env, onExternal: ChatConnectors['onExternal']) {
    this.room = room;
    this.env = env;
    this.onExternal = onExternal;
  }

  configs(): ConnectorConfig[] {
    return JSON.parse(this.room.store.getMeta('connectors') ?? '[]') as ConnectorConfig[];
  }

  list(): ConnectorView[] {
    return this.configs().map((c) => this.view(c));
  }

  view(c: ConnectorConfig): ConnectorView {
    const s = this.status.get(c.id) ?? { status: 'connecting' as const, error: null };
    const { token_sealed: _, ...rest } = c;
    return { ...rest, token_set: c.token_sealed !== null, status: s.status, last_error: s.error };
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
    this.status.delete(id);
    return true;
  }

  /** Starts every connector without a live connection; true while there is any (the alarm keeps checking). */
  async ensure(): Promise<boolean> {
    const all = this.configs();
    for (const c of all) {
      const running = this.live.get(c.id);
      if (running && !running.closed) continue;
      const password = c.token_sealed
        ? await openSecret(this.env, 'chat_connector_token', c.token_sealed).catch(() => null)
        : null;
      const client = new IrcClient(
        {
          host: c.host,
          port: c.port,
          tls: c.tls,
          nick: c.nick,
          password,
          channel: c.channel,
          debug: this.env.ENVIRONMENT !== 'production',
        },
        {
          onMessage: (m) => this.onExternal(c, m),
          onStatus: (status, error) => this.setStatus(c, status, error),
        },
      );
      this.live.set(c.id, client);
      this.room.ctx.waitUntil(client.start());
    }
    if (all.length) this.room.schedule('connectors', Date.now() + CONNECTOR_CHECK_MS);
    return all.length > 0;
  }

  /** A message sent in the room goes out to every connector that relays, marked with its author. */
  relay(author: string, text: string) {
    for (const c of this.configs()) if (c.relay) void this.live.get(c.id)?.say(`<${author}> ${text}`);
  }

  private setStatus(c: ConnectorConfig, status: 'connected' | 'errored', error: string | null) {
    const before = this.status.get(c.id)?.status;
    this.status.set(c.id, { status, error });
    // Repeated errors while the server stays down are one event per attempt, like simulcast retries.
    if (before !== status || status === 'errored')
      this.room.emit(`chat_connector.${status}`, 'chat_connector', c.id, { ...this.view(c), room_id: c.room_id });
  }
}
