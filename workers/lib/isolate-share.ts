/**
 * One load per key at a time in this isolate, its value handed to the requests that arrive while it
 * runs (the playlist micro-cache and the segment cache use it to coalesce misses).
 *
 * Only plain data crosses requests: a waiter polls the entry on its own timers and never awaits the
 * loading request's promise. A continuation that follows another request's promise is tied to that
 * request: workerd cancels it when the loader's request completes or is cancelled first (its viewer
 * went away), and the waiter's own response then fails. The soak's live playlist 500s ("Cannot
 * perform I/O on behalf of a different request", from minute 16 of the run) came from this path
 * when the playlist waiters awaited the loader's promise; not reproduced in isolation. A waiter
 * that sees no value in time (the loader failed or was cancelled) loads for itself.
 */
const POLL_MS = 5;

interface Entry<T> {
  state: 'loading' | 'ready' | 'failed';
  value?: T;
}

export interface Load<T> {
  /** The value is known: waiters take it from now on. */
  ready(value: T): void;
  /** The load failed: its waiters load for themselves. */
  fail(): void;
  /** Nobody arriving from now on is handed this load's value (its value is cached elsewhere by then). */
  release(): void;
}

export class IsolateShare<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /** Another request's load of `key`: its value once ready, or null if none runs, it failed, or `ms` passed first. */
  async wait(key: string, ms: number): Promise<{ value: T } | null> {
    const entry = this.entries.get(key);
    if (!entry) return null;
    for (const deadline = Date.now() + ms; entry.state === 'loading' && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, POLL_MS));
    return entry.state === 'ready' ? { value: entry.value as T } : null;
  }

  /** This request loads `key`; others arriving meanwhile wait for it until `release`. */
  begin(key: string): Load<T> {
    const entry: Entry<T> = { state: 'loading' };
    this.entries.set(key, entry);
    return {
      ready: (value) => {
        entry.value = value;
        entry.state = 'ready';
      },
      fail: () => {
        if (entry.state === 'loading') entry.state = 'failed';
      },
      release: () => {
        if (entry.state === 'loading') entry.state = 'failed';
        // A waiter that gave up on this load may have begun its own since.
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    };
  }
}
