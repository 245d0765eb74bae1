import type { PartCommit, PlaylistAnswer, PlaylistRequest } from './contract';
import { edgeOf, satisfied, tooFar } from './ll-window';
import { PartLog } from './part-log';
import { PlaylistWaiters } from './playlist-waiters';
import type { SegmentLog } from './segment-log';

/**
 * The stream object's LL-HLS desk: the parts log, and the requests held until the part (or
 * segment) they ask for is committed. Kept apart from stream.do.ts, which only forwards to it.
 */
export class LowLatencyDesk {
  readonly parts: PartLog;
  private readonly waiters = new PlaylistWaiters();

  constructor(
    sql: SqlStorage,
    private readonly log: SegmentLog,
  ) {
    this.parts = new PartLog(sql);
  }

  commitPart(p: PartCommit): boolean {
    const created = this.parts.insert(p);
    if (created) this.waiters.wake(p.rendition);
    return created;
  }

  segmentCommitted(sessionId: string, rendition: string, sequence: number): void {
    this.parts.prune(sessionId, rendition, sequence);
    this.waiters.wake(rendition);
  }

  /** The session is over: held requests answer now (with ENDLIST), not at their timeout. */
  sessionEnded(): void {
    this.waiters.wakeAll();
  }

  /**
   * Holds a blocking reload until its msn/part is listed, the session ends (`live()` turns false,
   * with `sessionEnded`) or `timeoutMs` passes; then renders. Too far ahead is refused at once.
   */
  async playlist(
    sessionId: string,
    rendition: string,
    req: PlaylistRequest,
    timeoutMs: number,
    live: () => boolean,
    render: () => string | null,
  ): Promise<PlaylistAnswer> {
    if (req.msn !== undefined && live()) {
      const blocking = { msn: req.msn, part: req.part };
      if (tooFar(edgeOf(this.log, this.parts, sessionId, rendition), blocking)) return { kind: 'too_far' };
      await this.waiters.wait(
        rendition,
        () => !live() || satisfied(edgeOf(this.log, this.parts, sessionId, rendition), blocking),
        timeoutMs,
      );
    }
    const text = render();
    return text === null ? { kind: 'gone' } : { kind: 'playlist', text };
  }

  /** A preload hint's part, asked before it exists: true once committed, false after `timeoutMs`. */
  async awaitPart(sessionId: string, rendition: string, sequence: number, part: number, timeoutMs: number) {
    const has = () =>
      this.parts.has(sessionId, rendition, sequence, part) || this.log.has(sessionId, rendition, sequence);
    await this.waiters.wait(rendition, has, timeoutMs);
    return this.parts.has(sessionId, rendition, sequence, part);
  }
}
