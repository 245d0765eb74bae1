import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { until } from './live.ts';

/**
 * A real IRC server on 127.0.0.1 for the chat connector's tests: Debian's ngIRCd (installed by
 * `./edgelive`), run in the foreground with a config of its own, stopped by the test.
 */
export class IrcServer {
  private child: ChildProcess | null = null;
  private dir = '';
  readonly port: number;
  /** The server password (Twitch's `PASS oauth:...`): ngIRCd refuses a PASS it was not given. */
  readonly password: string | null;

  constructor(port: number, password: string | null = null) {
    this.port = port;
    this.password = password;
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(path.join(tmpdir(), 'edgelive-ircd-'));
    const conf = path.join(this.dir, 'ngircd.conf');
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    writeFileSync(
      conf,
      [
        '[Global]',
        'Name = irc.edgelive.test',
        'Info = Edgelive test IRC server',
        'Listen = 127.0.0.1',
        `Ports = ${this.port}`,
        `PidFile = ${path.join(this.dir, 'ngircd.pid')}`,
        'MotdPhrase = edgelive',
        ...(this.password ? [`Password = ${this.password}`] : []),
        `ServerUID = ${uid}`,
        `ServerGID = ${gid}`,
        '[Limits]',
        'MaxConnectionsIP = 0',
        // Twitch logins are up to 25 characters; ngIRCd allows 9 by default.
        'MaxNickLength = 25',
        '[Options]',
        'PAM = no',
        'DNS = no',
        'Ident = no',
        '',
      ].join('\n'),
    );
    this.child = spawn('/usr/sbin/ngircd', ['--nodaemon', '--config', conf], { stdio: 'ignore' });
    await until('ngircd listening', () => canConnect(this.port), 10_000, 100);
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null) {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A person in the IRC channel (what a Twitch viewer is): joins, talks, and hears what is said. */
export class IrcUser {
  readonly heard: { from: string; text: string }[] = [];
  readonly joined: string[] = [];
  private socket: net.Socket | null = null;
  private buf = '';
  readonly nick: string;

  constructor(nick: string) {
    this.nick = nick;
  }

  /** Who the server listed in the channel when this user joined (NAMES, 353). */
  readonly names: string[] = [];

  async connect(port: number, channel: string, password: string | null = null): Promise<void> {
    const s = net.connect(port, '127.0.0.1');
    this.socket = s;
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      this.buf += d;
      let nl = this.buf.indexOf('\n');
      while (nl >= 0) {
        this.line(this.buf.slice(0, nl).replace(/\r$/, ''));
        this.buf = this.buf.slice(nl + 1);
        nl = this.buf.indexOf('\n');
      }
    });
    await new Promise((r) => s.once('connect', r));
    if (password) this.send(`PASS ${password}`);
    this.send(`NICK ${this.nick}`);
    this.send(`USER ${this.nick} 0 * :${this.nick}`);
    await until(`${this.nick} registered`, () => this.registered, 10_000, 50);
    this.send(`JOIN ${channel}`);
    await until(`${this.nick} in ${channel}`, () => this.joined.includes(this.nick), 10_000, 50);
  }

  private registered = false;

  private line(l: string) {
    if (l.startsWith('PING')) this.send(`PONG ${l.slice(5)}`);
    const names = /^:\S+ 353 \S+ [=*@] \S+ :(.*)$/.exec(l);
    if (names) this.names.push(...(names[1] ?? '').split(' ').map((n) => n.replace(/^[@+]/, '')));
    const m = /^:([^!\s]+)\S* (\S+) (\S+)(?: :(.*))?$/.exec(l);
    if (!m) return;
    const [, from, cmd, , text] = m;
    if (cmd === '001') this.registered = true;
    if (cmd === 'JOIN') this.joined.push(from!);
    if (cmd === 'PRIVMSG') this.heard.push({ from: from!, text: text ?? '' });
  }

  send(line: string) {
    this.socket?.write(`${line}\r\n`);
  }

  say(channel: string, text: string) {
    this.send(`PRIVMSG ${channel} :${text}`);
  }

  close() {
    this.send('QUIT :bye');
    this.socket?.destroy();
  }
}
