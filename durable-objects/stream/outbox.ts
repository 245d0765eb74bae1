import type { Scheduler } from '../../core/do/scheduler';
import type { Env } from '../../core/env';
import { type ReactionLedger, reactToStream, type StreamReaction } from '../../core/stream-reactions';
import type { StreamStore } from './store';

/** How soon a reaction that failed is tried again (by the object's alarm). */
export const RETRY_MS = 5_000;

/**
 * The stream object's outbox: what happened, recorded in the same storage write as the change,
 * then handed to `reactToStream` (core/stream-reactions.ts) one record at a time, in order. Each
 * step of a record is remembered once it went through, so a retry finishes a record and never
 * repeats a step. A failure leaves the record (and everything after it) for the `reactions`
 * timer, or for whichever call comes first.
 */
export class ReactionOutbox {
  /** Records run one at a time, whoever triggers them (a call or the alarm). */
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly env: Env,
    private readonly store: StreamStore,
    private readonly timers: Scheduler,
  ) {}

  record(r: StreamReaction) {
    this.store.addReaction(r);
  }

  get pending(): boolean {
    return this.store.pendingReactions() > 0;
  }

  flush(): Promise<void> {
    // A failed run must not jam the chain for the calls after it.
    this.running = this.running.catch(() => undefined).then(() => this.apply());
    return this.running;
  }

  private async apply() {
    for (let next = this.store.nextReaction(); next; next = this.store.nextReaction()) {
      const { id, done } = next;
      const ledger: ReactionLedger = {
        once: async <T>(step: string, run: () => Promise<T>): Promise<T> => {
          if (step in done) return done[step] as T;
          const value = await run();
          done[step] = value ?? null;
          this.store.markStep(id, done);
          return value;
        },
      };
      try {
        await reactToStream(this.env, next.reaction, ledger);
      } catch (err) {
        console.error('stream: a reaction failed, will retry', next.reaction.kind, String(err));
        this.timers.schedule('reactions', Date.now() + RETRY_MS);
        await this.timers.rearm();
        return;
      }
      this.store.dropReaction(id);
    }
    this.timers.cancel('reactions');
  }
}
