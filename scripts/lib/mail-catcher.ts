import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The local mail catcher: a real SMTP server (smtp-server) on 127.0.0.1 that keeps every message
 * it is handed, parsed by mailparser. Each message is written to `<dir>/<id>.eml` (the raw MIME)
 * and `<id>.json` (what it parsed to), and listed over HTTP:
 *   GET /                  an HTML list of messages, newest first
 *   GET /messages          the list as JSON (`?to=` filters by recipient)
 *   GET /messages/:id      one message as JSON (text, html, headers)
 *   GET /messages/:id.html its HTML body;  GET /messages/:id.eml  its raw MIME
 * `./edgelive start` runs one; end-to-end tests start their own on their ports.
 */
export interface CaughtMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  content_type: string;
  received_at: string;
}

export interface MailCatcher {
  smtpUrl: string;
  url: string;
  messages(): CaughtMail[];
  /** Resolves with the first message (already caught or still to come) that `match` accepts. */
  waitFor(match: (m: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  stop(): Promise<void>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] ?? ch);

export async function startMailCatcher(opts: {
  smtpPort: number;
  httpPort: number;
  dir: string;
}): Promise<MailCatcher> {
  mkdirSync(opts.dir, { recursive: true });
  const caught: CaughtMail[] = [];
  const raw = new Map<string, Buffer>();
  const waiters = new Set<(m: CaughtMail) => void>();

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks);
        simpleParser(bytes)
          .then((parsed) => {
            const id = `${Date.now().toString(36)}-${caught.length}`;
            const mail: CaughtMail = {
              id,
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              content_type: String(
                parsed.headers.get('content-type') && (parsed.headers.get('content-type') as { value: string }).value,
              ),
              received_at: new Date().toISOString(),
            };
            caught.push(mail);
            raw.set(id, bytes);
            writeFileSync(join(opts.dir, `${id}.eml`), bytes);
            writeFileSync(join(opts.dir, `${id}.json`), `${JSON.stringify(mail, null, 2)}\n`);
            for (const w of waiters) w(mail);
            done();
          })
          .catch((err: Error) => done(err));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, '127.0.0.1', () => resolve());
  });

  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://catcher');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const m = url.pathname.match(/^\/messages\/([\w-]+?)(\.html|\.eml)?$/);
    if (url.pathname === '/messages') {
      const to = url.searchParams.get('to');
      const list = caught.filter((c) => !to || c.to.includes(to)).reverse();
      return send(200, 'application/json', JSON.stringify({ data: list }));
    }
    if (m) {
      const mail = caught.find((c) => c.id === m[1]);
      if (!mail)
        return send(
          404,
          'application/json',
          JSON.stringify({ error: { code: 'not_found', message: 'No such message.' } }),
        );
      if (m[2] === '.html') return send(200, 'text/html; charset=utf-8', mail.html);
      if (m[2] === '.eml') return send(200, 'message/rfc822', raw.get(mail.id) ?? '');
      return send(200, 'application/json', JSON.stringify(mail));
    }
    if (url.pathname === '/') {
      const rows = [...caught]
        .reverse()
        .map(
          (c) =>
            `<tr><td>${escapeHtml(c.received_at)}</td><td>${escapeHtml(c.to.join(', '))}</td><td><a href="/messages/${c.id}.html">${escapeHtml(c.subject)}</a></td><td><a href="/messages/${c.id}.eml">raw</a></td></tr>`,
        )
        .join('');
      return send(
        200,
        'text/html; charset=utf-8',
        `<!doctype html><title>Edgelive mail</title><h1>Mail caught locally</h1><table border="1" cellpadding="4"><tr><th>Received</th><th>To</th><th>Subject</th><th></th></tr>${rows}</table>`,
      );
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.httpPort, '127.0.0.1', () => resolve());
  });
  const httpPort = (http.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://127.0.0.1:${opts.smtpPort}`,
    url: `http://127.0.0.1:${httpPort}`,
    messages: () => [...caught],
    waitFor(match, timeoutMs = 15_000) {
      const found = caught.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(
            new Error(
              `no matching mail within ${timeoutMs} ms; caught: ${caught.map((c) => `${c.to} "${c.subject}"`).join('; ')}`,
            ),
          );
        }, timeoutMs);
        const w = (m: CaughtMail) => {
          if (!match(m)) return;
          clearTimeout(timer);
          waiters.delete(w);
          resolve(m);
        };
        waiters.add(w);
      });
    },
    stop: async () => {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
