/**
 * Helpers for the live-streaming end-to-end tests and the ingest benchmark: the real origin
 * (NGINX-RTMP + agent + FFmpeg) in front of a Worker under `wrangler dev`, plus what a player
 * does (fetch and parse HLS playlists, download and probe segments) and a TCP proxy that can make
 * the Worker unreachable for real.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../origin/src/log.ts';
import { type OriginOptions, type RunningOrigin, startOrigin } from '../../origin/src/origin.ts';
import { DEV_VARS } from '../../scripts/lib/local-secrets.ts';
import type { ApiClient } from './stack.ts';

/** The dev origin ids and secrets the local Worker checks (`ORIGIN_SECRETS` of scripts/lib/local-secrets.ts). */
export function devOriginSecrets(): Record<string, string> {
  return JSON.parse(DEV_VARS.ORIGIN_SECRETS!) as Record<string, string>;
}

export async function until<T>(
  what: string,
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts an origin the way the tests want it: quick retries, quick status polls, quiet unless asked. */
export async function launchOrigin(
  opts: Pick<OriginOptions, 'originId' | 'workerUrl' | 'rtmpPort'> & Partial<OriginOptions>,
): Promise<RunningOrigin & { cleanup: () => Promise<void> }> {
  const secret = devOriginSecrets()[opts.originId];
  if (!secret) throw new Error(`no dev secret for ${opts.originId} in scripts/lib/local-secrets.ts`);
  const runtimeDir = mkdtempSync(path.join(tmpdir(), `edgelive-${opts.originId}-`));
  const origin = await startOrigin({
    secret,
    httpPort: 0,
    runtimeDir,
    log: process.env.EDGELIVE_TEST_LOGS ? undefined : silentLogger,
    uploadBaseDelayMs: 100,
    uploadMaxDelayMs: 1000,
    timings: { statusPollMs: 1000, thumbnailIntervalS: 2 },
    ...opts,
  });
  return {
    ...origin,
    cleanup: async () => {
      await origin.stop();
      rmSync(runtimeDir, { recursive: true, force: true });
    },
  };
}

// --- the streams API -------------------------------------------------------------------------

export interface ApiSession {
  id: string;
  status: 'active' | 'reconnecting' | 'ended';
  started_at: string;
  ended_at: string | null;
  origin_id: string;
  input: {
    video_codec: string | null;
    audio_codec: string | null;
    width: number | null;
    height: number | null;
    frame_rate: number | null;
    bitrate_kbps: number | null;
  } | null;
  reconnects: number;
  recording: {
    status: 'recording' | 'ready' | 'empty';
    duration_s: number | null;
    renditions: string[];
    playback_path: string | null;
  } | null;
}

export interface ApiStream {
  id: string;
  status: 'idle' | 'active' | 'reconnecting' | 'disabled';
  stream_key: string;
  ladder: string[];
  playback_ids: { id: string; policy: string }[];
  current_session: ApiSession | null;
  ingest?: { origin_id: string; rtmp: string; rtmps: string | null; srt: string | null } | null;
}

export function createStream(api: ApiClient, body: Record<string, unknown>): Promise<ApiStream> {
  return api.call<ApiStream>('POST', '/v1/streams', { playback_policies: ['public'], ...body });
}

export const getStream = (api: ApiClient, id: string) => api.call<ApiStream>('GET', `/v1/streams/${id}`);

export async function sessionsOf(api: ApiClient, id: string): Promise<ApiSession[]> {
  return (await api.call<{ data: ApiSession[] }>('GET', `/v1/streams/${id}/sessions?limit=100`)).data;
}

// --- HLS as a player sees it -----------------------------------------------------------------

export interface Variant {
  uri: string;
  attrs: Record<string, string>;
}

/** The #EXT-X-STREAM-INF entries of a master playlist, attributes unquoted. */
export function parseMaster(text: string): Variant[] {
  const lines = text.split('\n');
  const out: Variant[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith('#EXT-X-STREAM-INF:')) return;
    const attrs: Record<string, string> = {};
    for (const m of line.slice('#EXT-X-STREAM-INF:'.length).matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g))
      attrs[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    out.push({ uri: lines[i + 1] ?? '', attrs });
  });
  return out;
}

export interface MediaSegment {
  uri: string;
  /** The origin's sequence number, from the URI (`<rendition>/<sequence>.ts`). */
  sequence: number;
  durationS: number;
  pdt: string | null;
  /** An EXT-X-DISCONTINUITY precedes it. */
  discontinuity: boolean;
}

export interface MediaPlaylist {
  mediaSequence: number;
  targetDuration: number;
  ended: boolean;
  /** `#EXT-X-PLAYLIST-TYPE:VOD`: a recording, never a live window. */
  vod: boolean;
  segments: MediaSegment[];
}

export function parseMedia(text: string): MediaPlaylist {
  const p: MediaPlaylist = { mediaSequence: 0, targetDuration: 0, ended: false, vod: false, segments: [] };
  let disc = false;
  let pdt: string | null = null;
  let dur = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) p.mediaSequence = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) p.targetDuration = Number(line.split(':')[1]);
    else if (line === '#EXT-X-ENDLIST') p.ended = true;
    else if (line === '#EXT-X-PLAYLIST-TYPE:VOD') p.vod = true;
    else if (line === '#EXT-X-DISCONTINUITY') disc = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length);
    else if (line.startsWith('#EXTINF:')) dur = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line && !line.startsWith('#')) {
      const m = /(\d+)\.ts$/.exec(line);
      p.segments.push({ uri: line, sequence: m ? Number(m[1]) : Number.NaN, durationS: dur, pdt, discontinuity: disc });
      disc = false;
      pdt = null;
    }
  }
  return p;
}

export async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

/** The media playlist at `url`, or null when it is not served (yet). */
export async function fetchMedia(url: string): Promise<MediaPlaylist | null> {
  const r = await fetchText(url);
  return r.status === 200 ? parseMedia(r.text) : null;
}

/**
 * Keeps reading a live media playlist, as a player does, and remembers every segment it ever
 * listed: with a 30 s window, polling every half second sees each one.
 */
export class PlaylistWatcher {
  readonly seen = new Map<number, MediaSegment>();
  last: MediaPlaylist | null = null;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> = Promise.resolve();
  private reading = false;

  readonly url: string;

  // No parameter properties: the benchmark runs this file on Node's type stripping.
  constructor(url: string) {
    this.url = url;
  }

  start(intervalMs = 500): this {
    this.timer = setInterval(() => {
      // A slow Worker must not pile reads up behind each other.
      if (!this.reading) {
        this.reading = true;
        void this.poll().finally(() => (this.reading = false));
      }
    }, intervalMs);
    return this;
  }

  /** One fresh read; a caller that awaits it sees everything listed before it was called. */
  poll(): Promise<void> {
    // Chained, not skipped, while a read is in flight: that read may have started too early.
    this.current = this.current.then(() => this.read());
    return this.current;
  }

  private async read(): Promise<void> {
    try {
      const p = await fetchMedia(this.url);
      if (!p) return;
      this.last = p;
      for (const s of p.segments) if (!this.seen.has(s.sequence)) this.seen.set(s.sequence, s);
    } catch {
      // the next tick tries again
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  sequences(): number[] {
    return [...this.seen.keys()].sort((a, b) => a - b);
  }

  get maxSequence(): number {
    return Math.max(-1, ...this.seen.keys());
  }
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  width?: number;
  height?: number;
}

/** ffprobe of downloaded bytes (video and audio streams; the first program's copy of each). */
export function probeBytes(bytes: Uint8Array): ProbedStream[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgelive-probe-'));
  try {
    const file = path.join(dir, 'segment.ts');
    writeFileSync(file, bytes);
    const out = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'json', file],
      { encoding: 'utf8' },
    );
    const streams = (JSON.parse(out) as { streams: ProbedStream[] }).streams;
    const firstOf = (t: string) => streams.find((s) => s.codec_type === t);
    return [firstOf('video'), firstOf('audio')].filter((s): s is ProbedStream => s !== undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * How many objects local R2 holds: wrangler dev keeps each object's bytes as one file under
 * `<persist>/v3/r2/<bucket>/blobs`. Lets a test prove that nothing was written at all.
 */
export function r2ObjectFiles(persistTo: string): number {
  const root = path.join(persistTo, 'v3', 'r2');
  let n = 0;
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (path.basename(dir) === 'blobs') n++;
    }
  };
  walk(root);
  return n;
}

// --- a Worker that can go away ---------------------------------------------------------------

/**
 * A TCP proxy on 127.0.0.1 in front of the Worker. `cut()` closes the listening socket and every
 * open connection, so the origin's requests fail with ECONNREFUSED / ECONNRESET exactly as when
 * the Worker is unreachable; `restore()` listens again on the same port.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** Connections accepted (and passed on) so far. */
  connections = 0;

  private readonly targetPort: number;

  constructor(targetPort: number) {
    this.targetPort = targetPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(port = this.port): Promise<number> {
    const server = net.createServer((client) => {
      this.connections++;
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  restore(): Promise<number> {
    return this.listen(this.port);
  }

  close(): Promise<void> {
    return this.cut();
  }
}
