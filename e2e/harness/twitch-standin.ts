import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import net from 'node:net';

/**
 * Twitch's side of a chat connector's deletions, on 127.0.0.1: the chat as Twitch speaks it (IRC
 * with IRCv3 tags: every PRIVMSG carries its `id`, which ngIRCd does not send) and the Helix
 * endpoints a deletion uses (`oauth2/validate`, `helix/users`, `DELETE helix/moderation/chat`),
 * answering with Twitch's documented shapes. Twitch itself cannot be reached from here.
 */
export class TwitchStandin {
  readonly requests: {
    method: string;
    path: string;
    query: URLSearchParams;
    auth: string | null;
    clientId: string | null;
  }[] = [];
  /** Message ids Helix deleted. */
  readonly deleted: string[] = [];
  private irc: net.Server | null = null;
  private http: Server | null = null;
  private readonly clients = new Set<net.Socket>();
  private count = 0;
  readonly ircPort: number;
  readonly httpPort: number;
  private readonly token: string;
  private readonly users: Record<string, string>;
  readonly clientId = 'standinclientid0000000000000';

  /** users: login -> user id; the token belongs to the first one (the bot, a moderator). */
  constructor(ircPort: number, httpPort: number, token: string, users: Record<string, string>) {
    this.ircPort = ircPort;
    this.httpPort = httpPort;
    this.token = token.replace(/^oauth:/, '');
    this.users = users;
  }

  get apiRoot() {
    return `http://127.0.0.1:${this.httpPort}/`;
  }

  async start(): Promise<void> {
    this.irc = net.createServer((s) => this.session(s));
    this.http = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.irc!.listen(this.ircPort, '127.0.0.1', () => r()));
    await new Promise<void>((r) => this.http!.listen(this.httpPort, '127.0.0.1', () => r()));
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((r) => (this.irc ? this.irc.close(() => r()) : r()));
    await new Promise<void>((r) => (this.http ? this.http.close(() => r()) : r()));
  }

  /** A viewer writes in the channel: every joined connection gets it with Twitch's tags. Returns its id. */
  say(channel: string, login: string, text: string): string {
    const id = `0000000${++this.count}-aaaa-bbbb-cccc-standinmsgid`;
    const line = `@badge-info=;display-name=${login};id=${id};room-id=1;user-id=${this.users[login] ?? '9'} :${login}!${login}@${login}.tmi.twitch.tv PRIVMSG ${channel} :${text}\r\n`;
    for (const c of this.clients) c.write(line);
    return id;
  }

  /** A moderator on Twitch deletes a message: every joined connection gets Twitch's CLEARMSG for it. */
  clearMessage(channel: string, login: string, id: string, text: string) {
    const line = `@login=${login};room-id=;target-msg-id=${id};tmi-sent-ts=${Date.now()} :tmi.twitch.tv CLEARMSG ${channel} :${text}\r\n`;
    for (const c of this.clients) c.write(line);
  }

  private session(s: net.Socket) {
    this.clients.add(s);
    s.on('close', () => this.clients.delete(s));
    s.on('error', () => undefined);
    let nick = '';
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const [cmd, ...rest] = buf.slice(0, nl).trim().split(' ');
        buf = buf.slice(nl + 1);
        if (cmd === 'PASS' && rest[0]?.replace(/^oauth:/, '') !== this.token) {
          s.end(':tmi.twitch.tv NOTICE * :Login authentication failed\r\n');
        } else if (cmd === 'NICK') {
          nick = rest[0] ?? '';
          s.write(`:tmi.twitch.tv 001 ${nick} :Welcome, GLHF!\r\n`);
        } else if (cmd === 'CAP') {
          s.write(`:tmi.twitch.tv CAP * ACK :${rest.slice(1).join(' ').replace(/^:/, '')}\r\n`);
        } else if (cmd === 'JOIN') {
          s.write(`:${nick}!${nick}@${nick}.tmi.twitch.tv JOIN ${rest[0]}\r\n`);
        } else if (cmd === 'PING') {
          s.write(`:tmi.twitch.tv PONG tmi.twitch.tv ${rest.join(' ')}\r\n`);
        }
      }
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.apiRoot);
    const auth = req.headers.authorization ?? null;
    const clientId = (req.headers['client-id'] as string | undefined) ?? null;
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, auth, clientId });
    const [botLogin, botId] = Object.entries(this.users)[0]!;
    if (url.pathname === '/oauth2/validate') {
      if (auth !== `OAuth ${this.token}`) return send(res, 401, { status: 401, message: 'invalid access token' });
      return send(res, 200, {
        client_id: this.clientId,
        login: botLogin,
        scopes: ['chat:read', 'chat:edit', 'moderator:manage:chat_messages'],
        user_id: botId,
        expires_in: 5000,
      });
    }
    if (auth !== `Bearer ${this.token}` || clientId !== this.clientId)
      return send(res, 401, { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' });
    if (req.method === 'GET' && url.pathname === '/helix/users') {
      const login = url.searchParams.get('login') ?? '';
      const id = this.users[login];
      return send(res, 200, { data: id ? [{ id, login, display_name: login, type: '', broadcaster_type: '' }] : [] });
    }
    if (req.method === 'DELETE' && url.pathname === '/helix/moderation/chat') {
      const q = url.searchParams;
      if (q.get('moderator_id') !== botId || !q.get('broadcaster_id') || !q.get('message_id'))
        return send(res, 400, { error: 'Bad Request', status: 400, message: 'Missing or wrong ids' });
      this.deleted.push(q.get('message_id')!);
      res.writeHead(204).end();
      return;
    }
    send(res, 404, { error: 'Not Found', status: 404, message: `No ${req.method} ${url.pathname}` });
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
