import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import { bearerKey, isSdpContentType, offerProblem, offerProblemMessage } from './whip-offer.ts';
import { WhipSession } from './whip-session.ts';

/**
 * The origin's WHIP endpoint (RFC 9725), on a port of its own: `POST /whip/<anything>` with
 * `Authorization: Bearer <stream key>` and an SDP offer answers `201` with the SDP answer and a
 * `Location` (`/whip/sessions/<id>`, unguessable) that a `DELETE` ends. The key goes through the
 * same Worker publish call as RTMP and SRT before anything is started (`admit`, the agent's
 * `admitAhead`), so a bad key costs one Worker round trip and nothing else. Trickle ICE and ICE
 * restarts are not supported: `PATCH` answers 405, as RFC 9725 §4.3 asks of such a server.
 */

export interface WhipServerOptions {
  host: string;
  port: number;
  /** The local NGINX-RTMP application, e.g. rtmp://127.0.0.1:1935/live */
  rtmpBase: string;
  /** Where the relays' SDP files are written. */
  dir: string;
  /** The Worker's publish call through the agent; true when the relay may publish under `ticket`. */
  admit: (key: string, addr: string | null, ticket: string) => Promise<boolean>;
  log: Logger;
  /** Sessions at once (publishing or being set up); more are told to retry. */
  maxSessions?: number;
  /** Passed to each session (tests shorten them). */
  connectTimeoutMs?: number;
  /** The UDP ports WebRTC media may arrive on (min, max); any free port when absent. */
  icePortRange?: [number, number];
}

const MAX_OFFER_BYTES = 64 * 1024;
const SESSION_PATH = /^\/whip\/sessions\/([A-Za-z0-9_-]{22})$/;

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, DELETE, PATCH, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-expose-headers': 'location',
};

export class WhipServer {
  private readonly opts: WhipServerOptions;
  private readonly server: http.Server;
  private readonly sessions = new Map<string, WhipSession>();
  private closing = false;

  constructor(opts: WhipServerOptions) {
    this.opts = opts;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        opts.log('error', 'whip request failed', { reason: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) fail(res, 500, 'internal', 'the WHIP request failed on the origin');
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Sessions open now (for tests and the log). */
  openSessions(): number {
    return this.sessions.size;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.sessions.values()].map((s) => s.end('origin stopping')));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://whip.invalid');
    const session = SESSION_PATH.exec(url.pathname);
    if (req.method === 'OPTIONS') return void res.writeHead(204, { ...CORS, 'accept-post': 'application/sdp' }).end();
    if (session) {
      const s = this.sessions.get(session[1]!);
      if (!s) return fail(res, 404, 'not_found', 'no such WHIP session (it ended, or never existed)');
      if (req.method === 'DELETE') {
        await s.end('deleted by the publisher');
        return void res.writeHead(200, CORS).end();
      }
      return fail(res, 405, 'method_not_allowed', 'this endpoint supports neither trickle ICE nor ICE restarts', {
        allow: 'DELETE',
      });
    }
    if (url.pathname !== '/whip' && !url.pathname.startsWith('/whip/'))
      return fail(res, 404, 'not_found', 'WHIP endpoints are under /whip/');
    if (req.method !== 'POST') return fail(res, 405, 'method_not_allowed', 'publish with POST', { allow: 'POST' });
    return this.publish(req, res);
  }

  private async publish(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!isSdpContentType(req.headers['content-type']))
      return fail(res, 415, 'unsupported_media_type', 'the offer must be sent as application/sdp');
    const key = bearerKey(req.headers.authorization);
    if (!key)
      return fail(res, 401, 'unauthorized', 'send the stream key as Authorization: Bearer <stream key>', {
        'www-authenticate': 'Bearer realm="edgelive"',
      });
    const offer = await readOffer(req);
    if (offer === null) return fail(res, 413, 'payload_too_large', `the offer is larger than ${MAX_OFFER_BYTES} bytes`);
    const problem = offerProblem(offer);
    if (problem) return fail(res, problem === 'not_sdp' ? 400 : 422, `offer_${problem}`, offerProblemMessage[problem]);
    if (this.closing || this.sessions.size >= (this.opts.maxSessions ?? 64))
      return fail(res, 503, 'unavailable', 'this origin takes no more WHIP publishers now', { 'retry-after': '5' });

    const ticket = `whip_${randomBytes(12).toString('hex')}`;
    const id = randomBytes(16).toString('base64url');
    let admitted: boolean;
    try {
      admitted = await this.opts.admit(key, req.socket.remoteAddress ?? null, ticket);
    } catch (err) {
      this.opts.log('warn', 'whip admission failed', { reason: String(err) });
      return fail(res, 503, 'unavailable', 'the control plane could not be asked; retry', { 'retry-after': '2' });
    }
    if (!admitted) {
      this.opts.log('info', 'whip publisher refused', { addr: req.socket.remoteAddress ?? null });
      return fail(res, 401, 'invalid_stream_key', 'this stream key may not publish', {
        'www-authenticate': 'Bearer realm="edgelive", error="invalid_token"',
      });
    }
    const s = new WhipSession({
      id,
      offer,
      rtmpUrl: `${this.opts.rtmpBase}/${ticket}`,
      dir: this.opts.dir,
      log: this.opts.log,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      icePortRange: this.opts.icePortRange,
      onEnded: (ended) => {
        if (this.sessions.get(ended) === s) this.sessions.delete(ended);
      },
    });
    this.sessions.set(id, s);
    let answer: string;
    try {
      answer = await s.answer();
    } catch (err) {
      // The offer passed the checks above but werift could not negotiate it: the publisher's
      // offer is at fault, not the origin. The unused admission is withdrawn by the agent.
      await s.end('negotiation failed');
      return fail(res, 422, 'offer_not_negotiable', `the offer could not be answered: ${String(err)}`);
    }
    this.opts.log('info', 'whip publisher admitted', { session: id });
    res
      .writeHead(201, {
        ...CORS,
        'content-type': 'application/sdp',
        // A relative reference (RFC 9110 §10.2.2), resolved against the URL the publisher posted to.
        location: `/whip/sessions/${id}`,
      })
      .end(answer);
  }
}

function readOffer(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let body = '';
    let tooLarge = false;
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > MAX_OFFER_BYTES) tooLarge = true;
    });
    req.on('end', () => resolve(tooLarge ? null : body));
    req.on('error', reject);
  });
}

/** The platform's error envelope, with any headers the refusal needs (WWW-Authenticate, Allow). */
function fail(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { ...CORS, ...headers, 'content-type': 'application/json' })
    .end(JSON.stringify({ error: { code, message } }));
}
