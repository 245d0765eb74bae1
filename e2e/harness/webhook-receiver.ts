import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A customer's webhook receiver, written the way the Standard Webhooks docs tell customers to
 * write one: verify with the public `standardwebhooks` library, refuse with 400 what does not
 * verify, acknowledge with 2xx. Faults are injected by `behave`, and `down()` / `up()` stop and
 * restart the listener on the same port, like a receiver that crashed and came back.
 */
export type Reply = 'ok' | 'hang' | number;

export interface Received {
  id: string;
  timestamp: number;
  signature: string;
  body: string;
  at: number;
  /** Which of the receiver's secrets verified it (indexes into `secrets`). */
  verifiedBy: number[];
  reply: Reply;
}

export const verify = (secret: string, body: string, headers: Record<string, string>) =>
  new Webhook(secret).verify(body, headers);

export class WebhookReceiver {
  readonly port: number;
  secrets: string[] = [];
  /** What to answer: called for every request that verified, with the attempt count for its id. */
  behave: (r: Received, attemptForId: number) => Reply = () => 'ok';
  readonly requests: Received[] = [];
  /** First 2xx we answered, per webhook-id. */
  readonly acked = new Map<string, Received>();
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  constructor(port: number) {
    this.port = port;
  }

  get url() {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async up() {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Gone: connections refused until up() again. */
  async down() {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const r of this.hanging) r.destroy();
    this.hanging.clear();
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  attemptsFor(id: string) {
    return this.requests.filter((r) => r.id === id);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const verifiedBy: number[] = [];
    this.secrets.forEach((s, i) => {
      try {
        verify(s, body, headers);
        verifiedBy.push(i);
      } catch {
        // not signed with this one
      }
    });
    const r: Received = {
      id: headers['webhook-id'] ?? '',
      timestamp: Number(headers['webhook-timestamp']),
      signature: headers['webhook-signature'] ?? '',
      body,
      at: Date.now(),
      verifiedBy,
      reply: 400,
    };
    this.requests.push(r);
    if (!verifiedBy.length) {
      res.writeHead(400).end('bad signature');
      return;
    }
    r.reply = this.behave(r, this.attemptsFor(r.id).length);
    if (r.reply === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const status = r.reply === 'ok' ? 204 : r.reply;
    if (status < 300 && !this.acked.has(r.id)) this.acked.set(r.id, r);
    res.writeHead(status).end();
  }
}
