import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PublishAnswer } from '@edgelive/shared/origin-protocol';
import type { InputInfo } from './ladder.ts';
import type { Logger } from './log.ts';
import { OriginMetrics } from './metrics.ts';
import { dropPublisher, dropSubscribers, subscriberCount } from './nginx-control.ts';
import { readPendingSegments } from './pending-segments.ts';
import { localNameOf } from './program-inputs.ts';
import { Publication, type PublicationTimings } from './publication.ts';
import { type PendingSegment, UploadQueue } from './upload-queue.ts';
import { type OriginCredentials, WorkerClient } from './worker-client.ts';

export interface AgentOptions extends OriginCredentials {
  host: string;
  port: number;
  rtmpPort: number;
  controlSocket: string;
  workDir: string;
  log: Logger;
  maxBufferedBytes: number;
  uploadBaseDelayMs: number;
  uploadMaxDelayMs: number;
  timings: PublicationTimings;
}

/** A publish the Worker accepted: its answer, the key's hash and when the Worker was asked. */
interface Admitted {
  answer: PublishAnswer;
  keyHash: string;
  started: number;
}

/** How long an admitted SRT publisher has to reach NGINX through its relay. */
const TICKET_MS = 15_000;
/** How long a returning publisher's answer waits for its ladder's FFmpeg to play the stream. */
const PRESTART_WAIT_MS = 1000;

/** What the agent remembers of a session after its publisher left, so a reconnect continues its numbering. */
interface SessionMemory {
  nextSequence: number;
  /** The input it ran on: a reconnect starts its ladder on it without waiting for a probe. */
  input: InputInfo | null;
  forgetAt: number;
}

/**
 * The agent: answers NGINX-RTMP's on_publish / on_publish_done callbacks by asking the Worker, and
 * owns one Publication per live stream. On accept it answers NGINX with a redirect to the stream's
 * id, so NGINX, FFmpeg and every log know the stream by id and the key stays in one request body.
 */
export class Agent {
  private readonly opts: AgentOptions;
  readonly client: WorkerClient;
  readonly queue: UploadQueue;
  /** Prometheus metrics, served at `GET /metrics` (metrics.ts). */
  readonly metrics: OriginMetrics;
  private readonly server: http.Server;
  private readonly byClient = new Map<string, Publication>();
  private readonly byStream = new Map<string, Publication>();
  /** Publications by a hash of their key, so a quick reconnect waits for the previous one to finish. */
  private readonly byKeyHash = new Map<string, Publication>();
  private readonly sessions = new Map<string, SessionMemory>();
  private closing = false;
  /** Publishers admitted ahead of their NGINX publish (admitAhead), by the name they will publish under. */
  private readonly tickets = new Map<string, { admitted: Admitted; timer: NodeJS.Timeout }>();

  constructor(opts: AgentOptions) {
    this.opts = opts;
    this.client = new WorkerClient(opts);
    this.queue = new UploadQueue({
      putSegment: (u) => this.client.putSegment(u),
      maxBufferedBytes: opts.maxBufferedBytes,
      baseDelayMs: opts.uploadBaseDelayMs,
      maxDelayMs: opts.uploadMaxDelayMs,
      log: opts.log,
      onStop: (streamId, _sessionId, code) => void this.byStream.get(streamId)?.stop(code),
      onUploaded: (s, status) => this.uploaded(s, status),
      onDropped: (s) => {
        const pub = this.byStream.get(s.streamId);
        if (pub?.answer.session_id === s.sessionId) pub.segmentDropped(s.rendition, s.sequence);
      },
    });
    this.metrics = new OriginMetrics(opts.originId, {
      publications: () => this.byStream.size,
      queuedSegments: () => this.queue.pendingSegments,
      queuedBytes: () => this.queue.pendingBytes,
      droppedSegments: () => this.queue.droppedSegments,
      uploadAuthFailures: () => this.queue.authFailures,
      simulcastTargets: () =>
        [...this.byStream].flatMap(([stream, pub]) => pub.simulcastStatuses().map((t) => ({ stream, ...t }))),
    });
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /**
   * Picks up the uploads a previous run of this agent left on disk, and remembers how far each
   * session's numbering got, so a publisher coming back to that session does not reuse a
   * sequence number that is still waiting to be uploaded.
   */
  async resumeUploads(): Promise<number> {
    const pending = await readPendingSegments(this.opts.workDir, this.opts.log);
    for (const s of pending) {
      this.queue.enqueue(s);
      const known = this.sessions.get(s.sessionId)?.nextSequence ?? 0;
      this.sessions.set(s.sessionId, {
        nextSequence: Math.max(known, s.sequence + 1),
        // A restarted agent never saw the input: the session's next publisher is probed.
        input: null,
        forgetAt: Date.now() + 3600_000,
      });
    }
    if (pending.length) this.opts.log('info', 'resuming uploads left by the last run', { segments: pending.length });
    return pending.length;
  }

  /** Live publications (for tests and the benchmark). */
  publications(): Publication[] {
    return [...this.byStream.values()];
  }

  /** Ends every publication (uploads drained, publish-done sent) and stops answering NGINX. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.byStream.values()].map((p) => p.end()));
    this.queue.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      const form = new URLSearchParams(await readBody(req));
      if (req.method === 'POST' && req.url === '/rtmp/on-publish') return await this.onPublish(form, res);
      if (req.method === 'POST' && req.url === '/rtmp/on-publish-done') return this.onPublishDone(form, res);
      if (req.method === 'GET' && req.url === '/healthz') return reply(res, 200, 'ok');
      if (req.method === 'GET' && req.url === '/metrics') {
        const m = await this.metrics.render();
        return void res.writeHead(200, { 'content-type': m.contentType }).end(m.body);
      }
      reply(res, 404, 'not found');
    } catch (err) {
      this.opts.log('error', 'callback failed', { reason: err instanceof Error ? err.message : String(err) });
      // Any non-2xx makes NGINX drop the publisher: the safe answer when we do not know.
      if (!res.headersSent) reply(res, 500, 'error');
    }
  }

  private async onPublish(form: URLSearchParams, res: http.ServerResponse): Promise<void> {
    // The publisher's media clock starts about now (segment-clock.ts dates segments from it).
    const publishedAt = Date.now();
    const key = form.get('name') ?? '';
    const clientId = form.get('clientid') ?? '';
    const addr = form.get('addr');
    if (this.closing || key === '' || form.get('app') !== 'live') return reply(res, 403, 'refused');
    // An SRT publisher was admitted in its handshake (srt-ingest.ts): its relay publishes here
    // under the ticket, and the answer the Worker gave then is used instead of asking again.
    const ticketed = this.takeTicket(key);
    const admitted = ticketed ?? (await this.admit(key, addr, clientId));
    if (!admitted) return reply(res, 403, 'refused');
    const { answer, keyHash, started } = admitted;
    const live = this.byStream.get(answer.stream_id);
    // Another camera of a stream live here: it joins the running publication (program-inputs.ts).
    // A resumed answer for the session running here (the Worker saw it stalled) joins it too.
    const sameSession = live !== undefined && !live.isEnding && live.sessionId === answer.session_id;
    if (answer.input_id && (answer.joined || sameSession)) {
      if (!live || live.isEnding) return reply(res, 403, 'session not here');
      live.inputs.add(answer.input_id, clientId);
      this.byClient.set(clientId, live);
      this.opts.log('info', 'input joined', { stream: answer.stream_id, input: answer.input_id });
      return void res.writeHead(302, { location: localNameOf(answer.input_id) }).end();
    }
    if (live && !live.isEnding) {
      this.opts.log('warn', 'second publisher for a live stream refused', { stream: answer.stream_id });
      return reply(res, 403, 'already publishing');
    }
    this.pruneSessions();
    const memory = answer.resumed ? this.sessions.get(answer.session_id) : undefined;
    const startSequence = Math.max(memory?.nextSequence ?? 0, answer.resumed ? (answer.next_sequence ?? 0) : 0);
    const pub = new Publication(
      {
        client: this.client,
        queue: this.queue,
        log: this.opts.log,
        rtmpBase: `rtmp://127.0.0.1:${this.opts.rtmpPort}/live`,
        workDir: this.opts.workDir,
        dropPublisher: async (name) => void (await dropPublisher(this.opts.controlSocket, 'live', name)),
        timings: this.opts.timings,
        metrics: this.metrics,
      },
      answer,
      clientId,
      startSequence,
      // An SRT publisher's media clock started at its handshake, before the relay's probe.
      ticketed ? ticketed.started : publishedAt,
      memory?.input ?? null,
    );
    this.byClient.set(clientId, pub);
    this.byStream.set(answer.stream_id, pub);
    this.byKeyHash.set(keyHash, pub);
    this.opts.log('info', 'publish accepted', {
      stream: answer.stream_id,
      session: answer.session_id,
      resumed: answer.resumed,
      start_sequence: startSequence,
      // Ticketed publishers came through a relay: SRT's, or WHIP's (whip/whip-server.ts).
      ...(ticketed ? { via: key.startsWith('whip_') ? 'whip' : 'srt' } : { worker_ms: Date.now() - started }),
    });
    // Players already waiting on the name (a push retrying in the gap) must not pass for the ladder.
    const waiting = memory?.input ? await this.playersOf(pub.localName) : 0;
    const starting = pub.start().catch((err: unknown) => {
      this.opts.log('error', 'pipeline failed to start', { stream: answer.stream_id, reason: String(err) });
      void pub.stop('start_failed');
    });
    // A returning publisher's ladder starts on the input it had (no probe), so it can be waiting on
    // NGINX before the publisher sends its first frame: answered once FFmpeg plays the stream, the
    // first keyframe is in the first segment, not the publisher's next keyframe a GOP later (the
    // reconnect's largest cost). An RTMP publisher's media clock then starts at the answer; an SRT
    // relay's started at its handshake and stays.
    if (memory?.input) {
      await starting;
      await this.untilPlayed(pub.localName, waiting, PRESTART_WAIT_MS);
      if (!ticketed) pub.publisherAnswered(Date.now());
    }
    // nginx-rtmp renames the stream to the Location of a 3xx answer to on_publish.
    res.writeHead(302, { location: pub.localName }).end();
    void pub.whenEnded().then(() => {
      this.sessions.set(answer.session_id, {
        nextSequence: pub.nextSequence,
        input: pub.inputInfo,
        forgetAt: Date.now() + (answer.reconnect_window_s + 60) * 1000,
      });
      if (this.byClient.get(clientId) === pub) this.byClient.delete(clientId);
      if (this.byStream.get(answer.stream_id) === pub) this.byStream.delete(answer.stream_id);
      if (this.byKeyHash.get(keyHash) === pub) this.byKeyHash.delete(keyHash);
    });
  }

  /**
   * Asks the Worker whether a key may publish (the one publish call every ingest protocol goes
   * through). A publisher that reconnects before its previous publication finished (last uploads,
   * publish-done) waits for it, so the Worker sees publish-done before the new publish.
   */
  private async admit(key: string, addr: string | null, client: string): Promise<Admitted | null> {
    const keyHash = createHash('sha256').update(key).digest('hex');
    const previous = this.byKeyHash.get(keyHash);
    if (previous?.isEnding) await Promise.race([previous.whenEnded(), new Promise((r) => setTimeout(r, 10_000))]);
    const started = Date.now();
    const result = await this.client.publish(key, addr);
    if (!result.ok) {
      this.opts.log('info', 'publish refused by the worker', { status: result.status, code: result.code, client });
      return null;
    }
    return { answer: result.answer, keyHash, started };
  }

  /**
   * Admits a publisher before it reaches NGINX (SRT: the key is in the handshake, and a refusal
   * belongs in the handshake too). On success the relay publishes to NGINX under `ticket`; a
   * ticket nobody uses within TICKET_MS is withdrawn with publish-done, so the stream does not
   * stay live with no publisher.
   */
  async admitAhead(key: string, addr: string | null, ticket: string): Promise<boolean> {
    if (this.closing) return false;
    const admitted = await this.admit(key, addr, ticket);
    if (!admitted) return false;
    const timer = setTimeout(() => {
      if (this.tickets.get(ticket)?.admitted !== admitted) return;
      this.tickets.delete(ticket);
      void this.client.publishDone(admitted.answer.stream_id, admitted.answer.session_id).catch(() => undefined);
    }, TICKET_MS);
    timer.unref();
    this.tickets.set(ticket, { admitted, timer });
    return true;
  }

  private takeTicket(name: string): Admitted | null {
    const t = this.tickets.get(name);
    if (!t) return null;
    this.tickets.delete(name);
    clearTimeout(t.timer);
    return t.admitted;
  }

  private onPublishDone(form: URLSearchParams, res: http.ServerResponse): void {
    // NGINX sends the original name (the key) here too: look the publication up by client id only.
    const clientId = form.get('clientid') ?? '';
    const pub = this.byClient.get(clientId);
    reply(res, 200, 'ok');
    if (!pub) return;
    void (async () => {
      // Idle streams stay open in NGINX: this input's players (its FFmpeg, probes, pushes) end
      // here, before the publication does, so a returning publisher's new ladder is never dropped.
      const name = pub.inputs.localNameOfClient(clientId) ?? (clientId === pub.clientId ? pub.localName : null);
      if (name)
        await dropSubscribers(this.opts.controlSocket, 'live', name).catch((err: unknown) =>
          this.opts.log('warn', 'players not dropped', { name, reason: String(err) }),
        );
      // One camera of several leaving ends nothing but its input; the last one ends the publication.
      const last = await pub.inputs.remove(clientId);
      if (last || pub.inputs.size === 0) return pub.end();
      if (this.byClient.get(clientId) === pub) this.byClient.delete(clientId);
    })();
  }

  /** A segment is in the Worker: counted, and its upload lag told to its session's health. */
  private uploaded(s: PendingSegment, status: number): void {
    const m = this.metrics;
    m.segmentsUploaded.inc({ rendition: s.rendition, result: status === 201 ? 'stored' : 'duplicate' });
    m.uploadedBytes.inc(s.bytes);
    const pub = this.byStream.get(s.streamId);
    const lagMs = pub?.answer.session_id === s.sessionId ? pub.segmentUploaded(s.rendition, s.sequence) : null;
    if (lagMs !== null) m.uploadLatency.observe(lagMs / 1000);
  }

  private playersOf(name: string): Promise<number> {
    return subscriberCount(this.opts.controlSocket, 'live', name).catch(() => 0);
  }

  /** Waits until NGINX has more than `before` players on `name` (polls its stat module), at most `ms`. */
  private async untilPlayed(name: string, before: number, ms: number): Promise<boolean> {
    for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
      if ((await this.playersOf(name)) > before) return true;
      await new Promise((r) => setTimeout(r, 20));
    }
    this.opts.log('warn', 'ladder not playing yet; answering the publisher anyway', { name });
    return false;
  }

  private pruneSessions(): void {
    const now = Date.now();
    for (const [id, s] of this.sessions) if (s.forgetAt < now) this.sessions.delete(id);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > 64 * 1024) req.destroy(new Error('callback body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function reply(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
}
