import { type ChildProcess, spawn } from 'node:child_process';
import { RUNGS } from '@edgelive/shared/origin-protocol';
import { redactUrl, SIMULCAST_METER_EVERY_MS, type SimulcastReport } from '@edgelive/shared/simulcast';
import { backoffDelayMs, sleep } from './backoff.ts';
import type { Logger } from './log.ts';

export interface PushOptions {
  targetId: string;
  revision: number;
  /** The local NGINX-RTMP stream, e.g. rtmp://127.0.0.1:19350/live/str_... */
  sourceUrl: string;
  /** The target's full URL, key included: never logged or reported unredacted. */
  pushUrl: string;
  /** A rung name to push at (encoded here); null: the source, copied. */
  rendition?: string | null;
  /** Every status change, in order; the caller sends them to the Worker one after another. */
  report: (r: SimulcastReport) => void;
  log: Logger;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A run that broadcast this long counts as healthy: the backoff starts over. */
  healthyAfterMs?: number;
  /** Replaces `ffmpeg` (tests). */
  command?: string;
  /** How often a broadcasting push reports its seconds (`broadcast_seconds`). */
  meterEveryMs?: number;
}

/** Keyframes every 2 s, what YouTube and Twitch ask of an encoder. */
const PUSH_KEYFRAME_S = 2;

/**
 * How a push encodes a chosen rung (the target's `rendition`): that rung's size and bitrate,
 * H.264 + AAC, keyframes every 2 s; null for the source, copied. An unknown name is the source.
 */
export function pushCodecArgs(rendition: string | null): string[] {
  const rung = rendition && rendition in RUNGS ? RUNGS[rendition as keyof typeof RUNGS] : null;
  if (!rung) return ['-map', '0', '-c', 'copy'];
  const kbps = rung.video_bitrate_kbps;
  return [
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-vf',
    `scale=${rung.width}:${rung.height}:force_original_aspect_ratio=decrease:force_divisible_by=2`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-b:v',
    `${kbps}k`,
    '-maxrate',
    `${Math.round(kbps * 1.1)}k`,
    '-bufsize',
    `${kbps * 2}k`,
    '-force_key_frames',
    `expr:gte(t,n_forced*${PUSH_KEYFRAME_S})`,
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ac',
    '2',
  ];
}

/**
 * FFmpeg's argv for one push: the program as it arrives (copy, no re-encode: near zero CPU), or a
 * chosen rung encoded, to FLV over RTMP(S). `-progress` on stdout tells us when bytes reach the
 * target (broadcasting); the read/write timeout turns a receiver that stops reading into an exit we
 * retry, not a hang.
 */
export function pushArgs(sourceUrl: string, pushUrl: string, rendition: string | null = null): string[] {
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    '-stats_period',
    '0.5',
    '-rw_timeout',
    '10000000',
    '-i',
    sourceUrl,
    ...pushCodecArgs(rendition),
    '-f',
    'flv',
    '-flvflags',
    'no_duration_filesize',
    pushUrl,
  ];
}

/**
 * One simulcast target's push, supervised: `starting` at every attempt, `broadcasting` once FFmpeg
 * has written media to the target, `errored` (the reason and the next attempt) when it exits, then a
 * retry after an exponential backoff; `idle` when stopped. A push knows nothing of the others or of
 * the HLS ladder: its failures stay its own.
 */
export class SimulcastPush {
  readonly targetId: string;
  readonly revision: number;
  private readonly opts: PushOptions;
  private child: ChildProcess | null = null;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  /** When the running FFmpeg began broadcasting or last reported its seconds (0: not broadcasting). */
  private meteredSince = 0;
  /** Broadcast time of an ended run not reported yet. */
  private unreportedMs = 0;
  attempts = 0;

  constructor(opts: PushOptions) {
    this.opts = opts;
    this.targetId = opts.targetId;
    this.revision = opts.revision;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops the push; `idle` is reported unless `quiet` (a restart for a new revision says `starting` next). */
  async stop(quiet = false): Promise<void> {
    if (this.stopping.signal.aborted) return this.loop ?? undefined;
    this.stopping.abort();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      if (!(await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]))) child.kill('SIGKILL');
      await exited;
    }
    await this.loop;
    // A quiet stop (restart) still says what the run broadcast: the seconds were pushed.
    const seconds = this.takeSeconds();
    if (!quiet) this.send({ status: 'idle' }, seconds);
    else if (seconds > 0) this.send({ status: 'broadcasting' }, seconds);
  }

  /** Broadcast seconds not reported yet (ms precision), counted as reported from now. */
  private takeSeconds(): number {
    const now = Date.now();
    let ms = this.unreportedMs;
    this.unreportedMs = 0;
    if (this.meteredSince) {
      ms += now - this.meteredSince;
      this.meteredSince = now;
    }
    return ms / 1000;
  }

  private send(r: Omit<SimulcastReport, 'revision'>, seconds = 0) {
    this.opts.report({ ...r, revision: this.revision, ...(seconds > 0 ? { broadcast_seconds: seconds } : {}) });
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      this.attempts++;
      this.send({ status: 'starting' });
      const { error, broadcastMs } = await this.once();
      if (this.stopping.signal.aborted) return;
      if (broadcastMs > (this.opts.healthyAfterMs ?? 30_000)) failures = 0;
      const delay = backoffDelayMs(failures++, this.opts.baseDelayMs ?? 1000, this.opts.maxDelayMs ?? 30_000);
      const next = new Date(Date.now() + delay).toISOString();
      this.opts.log('warn', 'simulcast push failed, retrying', { target: this.targetId, retry_in_ms: delay, error });
      this.send({ status: 'errored', error, next_retry_at: next }, this.takeSeconds());
      await sleep(delay, this.stopping.signal);
    }
  }

  /** One FFmpeg run: resolves with why it ended and how long it broadcast. */
  private once(): Promise<{ error: string; broadcastMs: number }> {
    return new Promise((resolve) => {
      const child = spawn(
        this.opts.command ?? 'ffmpeg',
        pushArgs(this.opts.sourceUrl, this.opts.pushUrl, this.opts.rendition ?? null),
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      this.child = child;
      let tail = '';
      let broadcastingSince = 0;
      let meterTimer: NodeJS.Timeout | null = null;
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        tail = (tail + chunk).slice(-2000);
      });
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        if (broadcastingSince) return;
        // `total_size` counts bytes FFmpeg has written to the target: the receiver took the stream.
        const m = /total_size=(\d+)/.exec(chunk);
        if (m && Number(m[1]) > 0) {
          broadcastingSince = Date.now();
          this.meteredSince = broadcastingSince;
          this.send({ status: 'broadcasting' });
          // The same status again is no news to the Worker, only the seconds are (simulcast_seconds).
          meterTimer = setInterval(
            () => this.send({ status: 'broadcasting' }, this.takeSeconds()),
            this.opts.meterEveryMs ?? SIMULCAST_METER_EVERY_MS,
          );
        }
      });
      const finish = (why: string) => {
        if (meterTimer) clearInterval(meterTimer);
        if (this.meteredSince) this.unreportedMs += Date.now() - this.meteredSince;
        this.meteredSince = 0;
        const last = tail.trim().split('\n').filter(Boolean).slice(-2).join(' | ');
        // FFmpeg's `[rtmp @ 0x55…]` context prefixes mean nothing to the person reading the status.
        const plain = (last || why).replace(/\[[\w-]+ @ 0x[0-9a-f]+\]\s*/g, '');
        const error = redactUrl(plain, this.opts.pushUrl).slice(0, 500);
        resolve({ error, broadcastMs: broadcastingSince ? Date.now() - broadcastingSince : 0 });
      };
      child.once('error', (err) => finish(`ffmpeg failed to start: ${err.message}`));
      child.once('exit', (code, signal) => finish(`ffmpeg exited (${signal ?? code})`));
    });
  }
}
