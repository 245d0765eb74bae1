/**
 * A minimal SMTP client (RFC 5321) over a Workers TCP socket: EHLO, optional AUTH PLAIN, one
 * envelope, DATA, QUIT. Enough for a local catcher or a relay on a private network; it does not
 * speak STARTTLS, so production sends through the `send_email` binding or an HTTP provider.
 */
export interface SmtpTarget {
  host: string;
  port: number;
  user?: string;
  pass?: string;
}

export function parseSmtpUrl(url: string): SmtpTarget {
  const u = new URL(url);
  if (u.protocol !== 'smtp:') throw new Error(`SMTP_URL must start with smtp:// (got ${u.protocol})`);
  return {
    host: u.hostname,
    port: Number(u.port || 25),
    user: u.username ? decodeURIComponent(u.username) : undefined,
    pass: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

class SmtpLines {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** One whole reply (multi-line replies continue with `NNN-`); throws unless its code is `expect`. */
  async reply(expect: number): Promise<string> {
    const lines: string[] = [];
    for (;;) {
      const nl = this.buffer.indexOf('\r\n');
      if (nl < 0) {
        const { value, done } = await this.reader.read();
        if (done) throw new Error('SMTP server closed the connection');
        this.buffer += this.decoder.decode(value, { stream: true });
        continue;
      }
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 2);
      lines.push(line);
      if (line[3] !== '-') break;
    }
    const text = lines.join('\n');
    if (Number(text.slice(0, 3)) !== expect) throw new Error(`SMTP: expected ${expect}, got: ${text}`);
    return text;
  }
}

/** Lines that start with a dot get another one, so the body cannot end the DATA early. */
const dotStuff = (raw: string) => raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');

export async function sendSmtp(target: SmtpTarget, from: string, to: string, raw: string): Promise<void> {
  // Imported when used: scripts that build the OpenAPI document load this module on Node.
  const { connect } = await import('cloudflare:sockets');
  const socket = connect({ hostname: target.host, port: target.port });
  const writer = socket.writable.getWriter();
  const lines = new SmtpLines(socket.readable.getReader());
  const enc = new TextEncoder();
  const say = (line: string) => writer.write(enc.encode(`${line}\r\n`));
  try {
    await lines.reply(220);
    await say('EHLO edgelive');
    await lines.reply(250);
    if (target.user) {
      await say(`AUTH PLAIN ${btoa(`\0${target.user}\0${target.pass ?? ''}`)}`);
      await lines.reply(235);
    }
    await say(`MAIL FROM:<${from}>`);
    await lines.reply(250);
    await say(`RCPT TO:<${to}>`);
    await lines.reply(250);
    await say('DATA');
    await lines.reply(354);
    const body = dotStuff(raw);
    await writer.write(enc.encode(body.endsWith('\r\n') ? `${body}.\r\n` : `${body}\r\n.\r\n`));
    await lines.reply(250);
    await say('QUIT');
    await lines.reply(221).catch(() => undefined);
  } finally {
    await socket.close().catch(() => undefined);
  }
}
