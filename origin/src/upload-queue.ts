import { readFile, rm } from 'node:fs/promises';
import { stopCodes } from '@edgelive/shared/origin-protocol';
import { backoffDelayMs, sleep } from './backoff.ts';
import type { Logger } from './log.ts';
import { removeManifest, writeManifest } from './pending-segments.ts';
import { type SegmentUpload, WorkerHttpError } from './worker-client.ts';

type LogFields = Record<string, string | number | boolean | null>;

/** A finished segment on local disk, waiting for the Worker to take it. */
export interface PendingSegment extends Omit<SegmentUpload, 'body'> {
  filePath: string;
  bytes: number;
}

export interface UploadQueueOptions {
  putSegment: (upload: SegmentUpload) => Promise<number>;
  /** Bound on bytes waiting on disk across all streams; past it the oldest waiting segment is dropped. */
  maxBufferedBytes: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** The Worker said `stream_disabled` / `session_ended`: the session's pipeline must stop. */
  onStop: (streamId: string, sessionId: string, code: string) => void;
  /** A segment is safely in the Worker (called once per segment, after the 201 or 200). */
  onUploaded?: (segment: PendingSegment, status: number) => void;
  /** A segment will never reach the Worker: the buffer bound dropped it, or the Worker refused it for good. */
  onDropped?: (segment: PendingSegment) => void;
  log: Logger;
}

interface Lane {
  items: PendingSegment[];
  running: boolean;
  idle: (() => void)[];
}

/**
 * Uploads segments to the Worker: one FIFO lane per (session, rendition), so each media playlist
 * grows in order, and lanes run side by side. A failing upload is retried with exponential backoff
 * for as long as the Worker stays away; segments wait on disk meanwhile, bounded by
 * `maxBufferedBytes` (the oldest waiting segment goes first when the bound is hit). Uploads are
 * idempotent on the Worker, so a retry after a lost answer is harmless.
 */
export class UploadQueue {
  private readonly opts: UploadQueueOptions;
  private readonly lanes = new Map<string, Lane>();
  private readonly closed = new AbortController();
  /** Arrival order, so the bound drops the segment that has waited longest, whatever its lane. */
  private readonly arrival = new WeakMap<PendingSegment, number>();
  private arrivals = 0;
  private bufferedBytes = 0;
  droppedSegments = 0;
  /**
   * 401s from the Worker: our signature was refused (a clock off by more than the allowed skew,
   * or a rotated secret). Retried, never dropped, and logged as errors: someone has to fix it.
   */
  authFailures = 0;

  constructor(opts: UploadQueueOptions) {
    this.opts = opts;
  }

  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  /** Segments waiting or in flight, across every lane (the origin's `/metrics`). */
  get pendingSegments(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.items.length;
    return n;
  }

  enqueue(segment: PendingSegment): void {
    if (this.closed.signal.aborted) return;
    try {
      writeManifest(segment);
    } catch (err) {
      // Only a restart needs it: the upload itself goes on.
      this.opts.log('warn', 'could not write upload manifest', { file: segment.filePath, reason: String(err) });
    }
    this.arrival.set(segment, this.arrivals++);
    this.bufferedBytes += segment.bytes;
    this.enforceBound();
    const key = laneKey(segment.sessionId, segment.rendition);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { items: [], running: false, idle: [] };
      this.lanes.set(key, lane);
    }
    lane.items.push(segment);
    if (!lane.running) void this.run(key, lane);
  }

  /** Resolves when every lane of this session is empty (or after `timeoutMs`). */
  async drainSession(sessionId: string, timeoutMs: number): Promise<boolean> {
    const waits = [...this.lanes.entries()]
      .filter(([key, lane]) => key.startsWith(`${sessionId}/`) && (lane.running || lane.items.length > 0))
      .map(([, lane]) => new Promise<void>((resolve) => lane.idle.push(resolve)));
    if (waits.length === 0) return true;
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
    return Promise.race([Promise.all(waits).then(() => true as const), timeout]);
  }

  /** Forgets a session's waiting segments (after a stop code): deletes their files. */
  async discardSession(sessionId: string): Promise<void> {
    for (const [key, lane] of this.lanes) {
      if (!key.startsWith(`${sessionId}/`)) continue;
      // The head may be in flight; run() notices the emptied lane once it returns.
      const dropped = lane.items.splice(lane.running ? 1 : 0);
      for (const s of dropped) await this.release(s);
    }
  }

  close(): void {
    this.closed.abort();
  }

  private async run(key: string, lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.items.length > 0 && !this.closed.signal.aborted) {
        const head = lane.items[0]!;
        const done = await this.uploadWithRetry(head);
        // The head may have been dropped by the bound while in flight; only shift it if still there.
        if (lane.items[0] === head) lane.items.shift();
        if (done) await this.release(head);
      }
    } finally {
      lane.running = false;
      for (const resolve of lane.idle.splice(0)) resolve();
      if (lane.items.length === 0) this.lanes.delete(key);
    }
  }

  /**
   * Another Worker call of a session (the input report) with the same backoff as its segments:
   * tried again while the Worker is unreachable or answers 5xx/408/429. Resolves true once it went
   * through or was refused for good (`onRefused` hears which), false when `signal` or `close()`
   * stopped it first.
   */
  retry(
    what: string,
    call: () => Promise<void>,
    opts: { signal: AbortSignal; onRefused: (err: WorkerHttpError) => void; fields: LogFields },
  ): Promise<boolean> {
    return this.withBackoff(
      call,
      (err) => {
        if (!(err instanceof WorkerHttpError) || err.retryable) return false;
        opts.onRefused(err);
        return true;
      },
      `${what} failed, retrying`,
      opts.fields,
      opts.signal,
    );
  }

  /** True when the segment is finished with (stored, or refused for good); false when dropped by close. */
  private uploadWithRetry(s: PendingSegment): Promise<boolean> {
    const fields = { stream: s.streamId, rendition: s.rendition, sequence: s.sequence };
    return this.withBackoff(
      async () => {
        const body = await readFile(s.filePath);
        const status = await this.opts.putSegment({ ...s, body });
        this.opts.onUploaded?.(s, status);
      },
      (err) => {
        if (err instanceof WorkerHttpError && !err.retryable) {
          if (err.status === 409 && err.code && stopCodes.has(err.code)) {
            this.opts.onStop(s.streamId, s.sessionId, err.code);
          } else {
            this.opts.log('error', 'segment refused, dropped', { ...fields, status: err.status });
            this.opts.onDropped?.(s);
          }
          return true;
        }
        if (isMissingFile(err)) {
          this.opts.log('warn', 'segment file vanished before upload', fields);
          return true;
        }
        return false;
      },
      'segment upload failed, retrying',
      fields,
    );
  }

  /**
   * Calls until the call resolves or `final(err)` says its failure will not change (both true);
   * false when the queue closes or `signal` aborts first. Exponential backoff between tries.
   */
  private async withBackoff(
    call: () => Promise<void>,
    final: (err: unknown) => boolean,
    message: string,
    fields: LogFields,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const stop = signal ? AbortSignal.any([this.closed.signal, signal]) : this.closed.signal;
    for (let attempt = 0; !stop.aborted; attempt++) {
      try {
        await call();
        return true;
      } catch (err) {
        if (err instanceof WorkerHttpError && err.status === 401) {
          this.authFailures++;
          this.opts.log('error', 'the worker refused our signature (clock skew or wrong secret), retrying', {
            ...fields,
            attempt: attempt + 1,
            auth_failures: this.authFailures,
          });
        } else if (final(err)) return true;
        const delay = backoffDelayMs(attempt, this.opts.baseDelayMs, this.opts.maxDelayMs);
        this.opts.log(attempt === 0 ? 'warn' : 'debug', message, {
          ...fields,
          attempt: attempt + 1,
          retry_in_ms: delay,
          reason: err instanceof Error ? err.message : String(err),
        });
        await sleep(delay, stop);
      }
    }
    return false;
  }

  /** Drops the oldest waiting (not in-flight) segments until the buffer fits its bound. */
  private enforceBound(): void {
    while (this.bufferedBytes > this.opts.maxBufferedBytes) {
      let oldest: { lane: Lane; index: number; s: PendingSegment } | null = null;
      for (const lane of this.lanes.values()) {
        const index = lane.running ? 1 : 0;
        const s = lane.items[index];
        if (s && (!oldest || (this.arrival.get(s) ?? 0) < (this.arrival.get(oldest.s) ?? 0))) {
          oldest = { lane, index, s };
        }
      }
      if (!oldest) return;
      oldest.lane.items.splice(oldest.index, 1);
      this.droppedSegments++;
      this.opts.log('error', 'upload buffer full, dropped oldest waiting segment', {
        stream: oldest.s.streamId,
        rendition: oldest.s.rendition,
        sequence: oldest.s.sequence,
      });
      this.opts.onDropped?.(oldest.s);
      void this.release(oldest.s);
    }
  }

  private async release(s: PendingSegment): Promise<void> {
    this.bufferedBytes -= s.bytes;
    await rm(s.filePath, { force: true });
    await removeManifest(s.filePath);
  }
}

function laneKey(sessionId: string, rendition: string): string {
  return `${sessionId}/${rendition}`;
}

function isMissingFile(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT';
}
