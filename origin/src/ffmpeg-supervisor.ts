import { type ChildProcess, spawn } from 'node:child_process';
import { backoffDelayMs, sleep } from './backoff.ts';
import type { Logger } from './log.ts';

export interface SupervisorOptions {
  /** argv for the next run; called before every (re)start so the numbering can continue. */
  args: (restart: number) => string[];
  log: Logger;
  /** Called just before each start, restarts included (restart = 0 first). */
  onStart?: (restart: number, pid: number) => void;
  /** A run that lasted this long counts as healthy: the backoff starts over. */
  healthyAfterMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Keeps one FFmpeg running for as long as the stream is wanted: a crash (or an early exit) is
 * followed by a restart after an exponential backoff, reset once a run has been healthy for a while.
 */
export class FfmpegSupervisor {
  private readonly opts: SupervisorOptions;
  private child: ChildProcess | null = null;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  restarts = 0;

  constructor(opts: SupervisorOptions) {
    this.opts = opts;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Lets FFmpeg finish on its own (it sees EOF when the publisher leaves, and flushes its last
   * segment) for up to `graceMs`, then asks it to stop (SIGTERM also flushes), then kills it.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping.abort();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const waited = (ms: number) => Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
      if (!(await waited(graceMs))) {
        child.kill('SIGTERM');
        if (!(await waited(5000))) child.kill('SIGKILL');
      }
      await exited;
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    for (let restart = 0; !this.stopping.signal.aborted; restart++) {
      const startedAt = Date.now();
      const code = await this.once(restart);
      if (this.stopping.signal.aborted) return;
      if (Date.now() - startedAt > (this.opts.healthyAfterMs ?? 30_000)) failures = 0;
      const delay = backoffDelayMs(failures++, this.opts.baseDelayMs ?? 500, this.opts.maxDelayMs ?? 10_000);
      this.opts.log('warn', 'ffmpeg exited while the stream is live, restarting', { code, restart_in_ms: delay });
      this.restarts++;
      await sleep(delay, this.stopping.signal);
    }
  }

  private once(restart: number): Promise<string> {
    return new Promise((resolve) => {
      const child = spawn('ffmpeg', this.opts.args(restart), { stdio: ['ignore', 'ignore', 'pipe'] });
      this.child = child;
      if (child.pid !== undefined) this.opts.onStart?.(restart, child.pid);
      let tail = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        tail = (tail + chunk).slice(-2000);
        for (const line of chunk.split('\n')) if (line.trim()) this.opts.log('debug', `ffmpeg: ${line.trim()}`);
      });
      child.once('error', (err) => {
        this.opts.log('error', 'ffmpeg failed to start', { reason: err.message });
        resolve('spawn-error');
      });
      child.once('exit', (code, signal) => {
        if (code !== 0 && !this.stopping.signal.aborted) {
          const last = tail.trim().split('\n').slice(-3).join(' | ');
          this.opts.log('warn', 'ffmpeg exited', { code: code ?? -1, signal: signal ?? 'none', stderr_tail: last });
        }
        resolve(signal ?? String(code));
      });
    });
  }
}
