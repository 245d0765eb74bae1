import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LadderEntry, originSignature, type PublishAnswer } from '@edgelive/shared/origin-protocol';

/**
 * A small stand-in for the Worker's `/internal/origin/*` endpoints, for testing the origin before
 * (and besides) the real Worker: checks the origin signature, keeps streams, sessions and segments
 * in memory, and can be made unreachable or made to fail on purpose.
 */
export interface StubStream {
  id: string;
  key: string;
  disabled: boolean;
  deleted: boolean;
  latencyMode: 'standard' | 'low';
  ladder: LadderEntry[];
  reconnectWindowS: number;
  status: 'idle' | 'active' | 'reconnecting' | 'disabled';
  session: { id: string; endedAt: number | null } | null;
  sessions: string[];
}

export interface StoredSegment {
  sessionId: string;
  rendition: string;
  sequence: number;
  durationS: number;
  pdt: string | null;
  discontinuity: boolean;
  bytes: Buffer;
  at: number;
}

export class StubWorker {
  readonly secrets: Record<string, string>;
  readonly streams = new Map<string, StubStream>();
  readonly segments = new Map<string, StoredSegment>();
  readonly renditions = new Map<string, Record<string, unknown>>();
  readonly inputs = new Map<string, Record<string, unknown>>();
  readonly thumbnails: { sessionId: string; bytes: number }[] = [];
  readonly publishDone: string[] = [];
  readonly log: string[] = [];
  /** While true, every connection is cut before an answer (the Worker is unreachable). */
  down = false;
  /** Seconds the stub's clock is off from the agent's: past 300 every signature answers 401. */
  clockSkewS = 0;
  /** While > 0, segment PUTs answer 503 and decrement it. */
  failNextSegmentPuts = 0;
  private server: http.Server | null = null;
  private seq = 0;

  constructor(secrets: Record<string, string>) {
    this.secrets = secrets;
  }

  addStream(s: Partial<StubStream> & { key: string }): StubStream {
    const stream: StubStream = {
      id: `str_${String(++this.seq).padStart(4, '0')}${Math.random().toString(36).slice(2, 10).padEnd(8, 'x')}`,
      disabled: false,
      deleted: false,
      latencyMode: 'standard',
      ladder: [{ name: 'source' }, { name: '720p' }, { name: '480p' }, { name: '360p' }],
      reconnectWindowS: 60,
      status: 'idle',
      session: null,
      sessions: [],
      ...s,
    };
    this.streams.set(stream.id, stream);
    return stream;
  }

  segmentsOf(sessionId: string, rendition: string): StoredSegment[] {
    return [...this.segments.values()]
      .filter((s) => s.sessionId === sessionId && s.rendition === rendition)
      .sort((a, b) => a.sequence - b.sequence);
  }

  async listen(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (!(await this.authorized(req.headers.authorization ?? '', method, url)))
      return json(res, 401, { error: { code: 'unauthorized' } });
    this.log.push(`${method} ${url.split('?')[0]}`);
    const u = new URL(url, 'http://stub');
    const parts = u.pathname.split('/').filter(Boolean); // internal, origin, ...

    if (method === 'POST' && u.pathname === '/internal/origin/publish')
      return this.publish(JSON.parse(body.toString()) as { stream_key: string }, res);
    if (parts[2] !== 'streams' || !parts[3]) return json(res, 404, { error: { code: 'not_found' } });
    const stream = this.streams.get(parts[3]);
    if (!stream) return json(res, 404, { error: { code: 'not_found' } });
    if (method === 'GET' && parts[4] === 'status')
      return json(res, 200, { status: stream.disabled ? 'disabled' : stream.status, disabled: stream.disabled });
    const sessionId = parts[5] ?? '';
    const what = parts[6];
    if (method === 'POST' && what === 'input') {
      this.inputs.set(sessionId, JSON.parse(body.toString()) as Record<string, unknown>);
      return end(res, 204);
    }
    if (method === 'POST' && what === 'thumbnail') {
      this.thumbnails.push({ sessionId, bytes: body.length });
      return end(res, 204);
    }
    if (method === 'POST' && what === 'publish-done') {
      this.publishDone.push(sessionId);
      if (stream.session?.id === sessionId) {
        stream.status = stream.reconnectWindowS > 0 ? 'reconnecting' : 'idle';
        stream.session.endedAt = Date.now();
      }
      return end(res, 204);
    }
    if (method === 'PUT' && what === 'renditions' && parts[7] && parts[8] === 'segments') {
      if (stream.disabled) return json(res, 409, { error: { code: 'stream_disabled' } });
      if (this.failNextSegmentPuts > 0) {
        this.failNextSegmentPuts--;
        return json(res, 503, { error: { code: 'unavailable' } });
      }
      const key = `${sessionId}/${parts[7]}/${parts[9]}`;
      if (this.segments.has(key)) return end(res, 200);
      this.segments.set(key, {
        sessionId,
        rendition: parts[7],
        sequence: Number(parts[9]),
        durationS: Number(u.searchParams.get('duration')),
        pdt: u.searchParams.get('pdt'),
        discontinuity: u.searchParams.get('discontinuity') === '1',
        bytes: body,
        at: Date.now(),
      });
      return end(res, 201);
    }
    if (method === 'PUT' && what === 'renditions' && parts[7]) {
      this.renditions.set(`${sessionId}/${parts[7]}`, JSON.parse(body.toString()) as Record<string, unknown>);
      return end(res, 204);
    }
    json(res, 404, { error: { code: 'not_found' } });
  }

  private publish(body: { stream_key: string }, res: http.ServerResponse): void {
    const stream = [...this.streams.values()].find((s) => s.key === body.stream_key);
    if (!stream || stream.deleted) {
      json(res, 403, { error: { code: 'unknown_stream_key' } });
      return;
    }
    if (stream.disabled) {
      json(res, 403, { error: { code: 'stream_disabled' } });
      return;
    }
    const s = stream.session;
    const resumed = !!s && s.endedAt !== null && Date.now() - s.endedAt <= stream.reconnectWindowS * 1000;
    if (!resumed) {
      stream.session = { id: `lsn_${String(++this.seq).padStart(8, '0')}`, endedAt: null };
      stream.sessions.push(stream.session.id);
    } else {
      s.endedAt = null;
    }
    stream.status = 'active';
    const answer: PublishAnswer = {
      stream_id: stream.id,
      session_id: stream.session!.id,
      resumed,
      latency_mode: stream.latencyMode,
      segment_duration_s: stream.latencyMode === 'low' ? 1 : 2,
      ladder: stream.ladder,
      recording: false,
      reconnect_window_s: stream.reconnectWindowS,
    };
    json(res, 200, answer);
  }

  private async authorized(header: string, method: string, pathWithQuery: string): Promise<boolean> {
    const m = /^EdgeliveOrigin id=([^,]+),ts=(\d+),sig=([A-Za-z0-9_-]+)$/.exec(header);
    if (!m) return false;
    const [, id, ts, sig] = m as unknown as [string, string, string, string];
    const secret = this.secrets[id];
    if (!secret || Math.abs(Date.now() / 1000 + this.clockSkewS - Number(ts)) > 300) return false;
    const want = Buffer.from(await originSignature(secret, Number(ts), method, pathWithQuery));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function end(res: http.ServerResponse, status: number): void {
  res.writeHead(status).end();
}
