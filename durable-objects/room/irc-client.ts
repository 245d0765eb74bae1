import type { ChatLink, ChatLinkHandlers } from './chat-link';
import { chatMessageOf, deletedMessageOf, ircLine, parseIrcLine } from './irc';
import { TwitchHelix } from './twitch-helix';

export interface IrcTarget {
  host: string;
  port: number;
  tls: boolean;
  nick: string;
  /** `oauth:...` for Twitch; null joins anonymously (Twitch's `justinfan` read-only nicks). */
  password: string | null;
  channel: string;
  /** Logs every line received (development only). */
  debug?: boolean;
  /** Where Twitch's Helix API is (null: Twitch's own); deletions go there (twitch-helix.ts). */
  apiRoot?: string | null;
}

export type IrcHandlers = ChatLinkHandlers;

/**
 * One IRC connection from the room object (Workers TCP sockets, `cloudflare:sockets`): register,
 * ask for Twitch's IRCv3 tags, join the channel, answer PINGs, hand every channel message over.
 * It does not reconnect by itself: the room's alarm sees it closed and starts another.
 */
export class IrcClient implements ChatLink {
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private socket: { close(): Promise<void> } | null = null;
  closed = false;
  private readonly enc = new TextEncoder();
  private readonly target: IrcTarget;
  private readonly on: IrcHandlers;
  private helix: TwitchHelix | null = null;

  constructor(target: IrcTarget, on: IrcHandlers) {
    this.target = target;
    this.on = on;
  }

  async start(): Promise<void> {
    try {
      const { connect } = await import('cloudflare:sockets');
      const t = this.target;
      const socket = connect(
        { hostname: t.host, port: t.port },
        { secureTransport: t.tls ? 'on' : 'off', allowHalfOpen: false },
      );
      this.socket = socket;
      this.writer = socket.writable.getWriter();
      if (t.password) await this.send('PASS', t.password);
      await this.send('NICK', t.nick);
      await this.send('USER', t.nick, '0', '*', `:${t.nick}`);
      void this.read(socket.readable.getReader());
    } catch (err) {
      this.fail(err);
    }
  }

  send(...parts: string[]): Promise<void> {
    if (!this.writer || this.closed) return Promise.resolve();
    return this.writer.write(this.enc.encode(ircLine(...parts))).catch((err: unknown) => this.fail(err));
  }

  /** A room message going out to the channel (IRC lines are at most 512 bytes: long text is cut). */
  say(text: string): Promise<void> {
    return this.send('PRIVMSG', this.target.channel, `:${text.slice(0, 400)}`);
  }

  /** A message deleted in the room is deleted in the Twitch chat too (needs the bot's token; it must be a moderator). */
  async remove(externalId: string): Promise<void> {
    const t = this.target;
    if (!t.password) return;
    this.helix ??= new TwitchHelix({ apiRoot: t.apiRoot ?? null, token: t.password, channel: t.channel });
    try {
      await this.helix.deleteMessage(externalId);
    } catch (err) {
      // Said on the connector (a token without moderator rights, say) while the IRC connection stays up.
      this.on.onStatus(
        'connected',
        `Deleting a message was refused: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.send('QUIT', ':bye').catch(() => undefined);
    await this.socket?.close().catch(() => undefined);
  }

  private fail(err: unknown) {
    if (this.closed) return;
    this.closed = true;
    this.on.onStatus('errored', err instanceof Error ? err.message : String(err));
    void this.socket?.close().catch(() => undefined);
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let nl = buf.indexOf('\n');
        while (nl >= 0) {
          await this.handle(buf.slice(0, nl + 1));
          buf = buf.slice(nl + 1);
          nl = buf.indexOf('\n');
        }
      }
      this.fail(new Error('The IRC server closed the connection.'));
    } catch (err) {
      this.fail(err);
    }
  }

  private async handle(raw: string): Promise<void> {
    const l = parseIrcLine(raw);
    if (this.target.debug) console.log('irc <', raw.trimEnd());
    if (!l) return;
    if (l.command === 'PING') return this.send('PONG', `:${l.params[0] ?? ''}`);
    if (l.command === '001') {
      // Welcome: registered. Twitch's tags and membership capabilities are asked for; other servers ignore them.
      await this.send('CAP', 'REQ', ':twitch.tv/tags twitch.tv/commands');
      await this.send('JOIN', this.target.channel);
      return;
    }
    if (l.command === 'JOIN' && l.params[0]?.toLowerCase() === this.target.channel.toLowerCase()) {
      if ((l.prefix ?? '').split('!')[0]?.toLowerCase() === this.target.nick.toLowerCase())
        this.on.onStatus('connected', null);
      return;
    }
    // The server's last word before it hangs up (a bad PASS, a ban): kept as the connector's error.
    if (l.command === 'ERROR') {
      this.fail(new Error(`IRC ERROR: ${l.params.at(-1) ?? ''}`));
      return;
    }
    if (/^(4|5)\d\d$/.test(l.command) && l.command !== '421') {
      this.fail(new Error(`IRC ${l.command}: ${l.params.at(-1) ?? ''}`));
      return;
    }
    const m = chatMessageOf(l, this.target.channel);
    if (m) this.on.onMessage(m);
    const deleted = deletedMessageOf(l, this.target.channel);
    if (deleted) this.on.onDeleted(deleted);
  }
}
