/**
 * Blocking playlist reloads held by the stream object (LL-HLS `_HLS_msn`/`_HLS_part`): each waits
 * for a commit of its rendition that makes its check true, the session's end, or its timeout,
 * whichever comes first. Commits wake only their own rendition's waiters, so the cost of a part
 * is one check per waiting request of that rendition, and the Worker's cache coalesces viewers
 * asking for the same part into one request here.
 */
interface Waiter {
  check: () => boolean;
  done: () => void;
}

export class PlaylistWaiters {
  private readonly byRendition = new Map<string, Set<Waiter>>();

  /** Resolves once `check()` holds, on `wakeAll`, or after `timeoutMs`. */
  wait(rendition: string, check: () => boolean, timeoutMs: number): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.byRendition.get(rendition) ?? new Set<Waiter>();
      this.byRendition.set(rendition, set);
      const w: Waiter = {
        check,
        done: () => {
          clearTimeout(timer);
          set.delete(w);
          resolve();
        },
      };
      const timer = setTimeout(w.done, timeoutMs);
      set.add(w);
    });
  }

  /** After a commit of `rendition`: every waiter whose request is now in the playlist answers. */
  wake(rendition: string): void {
    for (const w of [...(this.byRendition.get(rendition) ?? [])]) if (w.check()) w.done();
  }

  /** The session ended (or the stream went away): every held request answers with what there is. */
  wakeAll(): void {
    for (const set of this.byRendition.values()) for (const w of [...set]) w.done();
  }

  get size(): number {
    let n = 0;
    for (const set of this.byRendition.values()) n += set.size;
    return n;
  }
}
