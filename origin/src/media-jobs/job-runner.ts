import type { LeaseAnswer, TranscodeResult, TrimResult } from '@edgelive/shared/media-jobs';
import type { Logger } from '../log.ts';
import type { JobClient } from './job-client.ts';
import { PermanentJobError } from './mp4-job.ts';

export interface JobRunnerOptions {
  client: Pick<JobClient, 'lease' | 'progress' | 'complete' | 'fail'>;
  /** Does the job's work; throws PermanentJobError for input that will never work. */
  run: (lease: LeaseAnswer) => Promise<unknown>;
  log: Logger;
  /** How long to wait before asking again when the queue was empty (or unreachable). */
  idleMs?: number;
  /** How often a running job reports it is alive (well inside the lease). */
  heartbeatMs?: number;
}

/**
 * One media worker: takes a job, runs it with a heartbeat that keeps its lease, and completes or
 * fails it. One job at a time: FFmpeg remuxes are I/O bound and the origin's CPU belongs to live
 * transcodes. A worker that dies mid-job simply stops heartbeating; the queue hands the job on.
 */
export class JobRunner {
  private readonly opts: Required<JobRunnerOptions>;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(opts: JobRunnerOptions) {
    this.opts = { idleMs: 1000, heartbeatMs: 15_000, ...opts };
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** Takes and runs at most one job; false when there was none. */
  async once(): Promise<boolean> {
    const lease = await this.opts.client.lease();
    if (!lease) return false;
    const { job, lease_id } = lease;
    const { client, log } = this.opts;
    log('info', 'media job started', { job: job.id, kind: job.spec.kind, attempt: job.attempt });
    const beat = setInterval(() => {
      client.progress(job.id, lease_id, 0).catch(() => {});
    }, this.opts.heartbeatMs);
    try {
      const out = await this.opts.run(lease);
      // A transcode or a trim reports what it made; an MP4's size is read by the Worker from R2.
      const made = job.spec.kind === 'mp4' ? undefined : (out as TranscodeResult | TrimResult);
      await client.complete(job.id, lease_id, made);
      log('info', 'media job done', { job: job.id });
    } catch (err) {
      const permanent = err instanceof PermanentJobError;
      log('warn', 'media job failed', { job: job.id, permanent, error: String(err) });
      await client.fail(job.id, lease_id, String(err).slice(0, 500), !permanent).catch(() => {});
    } finally {
      clearInterval(beat);
    }
    return true;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let worked = false;
      try {
        worked = await this.once();
      } catch (err) {
        this.opts.log('debug', 'media job lease failed', { error: String(err) });
      }
      if (!worked && !this.stopped)
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, this.opts.idleMs);
        });
    }
  }
}
