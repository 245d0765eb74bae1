import type { PlaylistSegment } from '@edgelive/shared/playlist';
import type { SegmentCommit } from './contract';

/** A committed upload, with the publish (epoch) it belongs to. */
export type SegmentInput = SegmentCommit & { epoch: number };

interface Row extends Record<string, SqlStorageValue> {
  sequence: number;
  duration: number;
  pdt: number;
  epoch: number;
  received_at: number;
  msn: number | null;
  discontinuity: number;
  marked: number;
}

export interface Window {
  segments: PlaylistSegment[];
  mediaSequence: number;
  discontinuitySequence: number;
}

/**
 * The segments of a session, per rendition, and which of them a live playlist lists.
 *
 * Uploads can arrive out of order (the agent retries), so a segment is not listed on arrival:
 * `advance` lists segments in sequence order and gives each the next media sequence number (msn)
 * of its rendition. A gap holds later segments back until it fills or `gapWaitMs` passes, then is
 * skipped behind a discontinuity. Media sequence numbers therefore never change once given,
 * which players rely on, even when the origin's numbering has holes or jumps after a reconnect.
 */
export class SegmentLog {
  constructor(private readonly sql: SqlStorage) {}

  has(sessionId: string, rendition: string, sequence: number): boolean {
    return (
      this.sql
        .exec(
          'SELECT 1 FROM segments WHERE session_id = ? AND rendition = ? AND sequence = ?',
          sessionId,
          rendition,
          sequence,
        )
        .toArray().length > 0
    );
  }

  /** Returns false when this (session, rendition, sequence) was already recorded. */
  insert(s: SegmentInput, now: number): boolean {
    const cur = this.sql.exec(
      `INSERT OR IGNORE INTO segments (session_id, rendition, sequence, duration, pdt, bytes, epoch, received_at, marked)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.sessionId,
      s.rendition,
      s.sequence,
      s.duration,
      s.pdt,
      s.bytes,
      s.epoch,
      now,
      s.discontinuity ? 1 : 0,
    );
    return cur.rowsWritten > 0;
  }

  private lastListed(sessionId: string, rendition: string): Row | undefined {
    return this.sql
      .exec<Row>(
        'SELECT * FROM segments WHERE session_id = ? AND rendition = ? AND msn IS NOT NULL ORDER BY msn DESC LIMIT 1',
        sessionId,
        rendition,
      )
      .toArray()[0];
  }

  advance(sessionId: string, rendition: string, now: number, gapWaitMs: number) {
    let last = this.lastListed(sessionId, rendition);
    for (;;) {
      const next = this.sql
        .exec<Row>(
          'SELECT * FROM segments WHERE session_id = ? AND rendition = ? AND msn IS NULL AND sequence > ? ORDER BY sequence LIMIT 1',
          sessionId,
          rendition,
          last?.sequence ?? -1,
        )
        .toArray()[0];
      if (!next) return;
      const newEpoch = last !== undefined && next.epoch !== last.epoch;
      const gap = last !== undefined && next.sequence !== last.sequence + 1;
      const disc = last !== undefined && (newEpoch || gap || next.marked === 1) ? 1 : 0;
      // A reconnect renumbers freely, so its jump is expected; a hole within one publish is worth
      // waiting for, since the agent retries uploads.
      if (gap && !newEpoch && now - next.received_at < gapWaitMs) return;
      const msn = last?.msn == null ? 0 : last.msn + 1;
      this.sql.exec(
        'UPDATE segments SET msn = ?, discontinuity = ? WHERE session_id = ? AND rendition = ? AND sequence = ?',
        msn,
        disc,
        sessionId,
        rendition,
        next.sequence,
      );
      last = { ...next, msn, discontinuity: disc };
    }
  }

  /** The last `count` listed segments and the sequence numbers a playlist of them starts with. */
  window(sessionId: string, rendition: string, count: number): Window {
    const rows = this.sql
      .exec<Row>(
        'SELECT * FROM segments WHERE session_id = ? AND rendition = ? AND msn IS NOT NULL ORDER BY msn DESC LIMIT ?',
        sessionId,
        rendition,
        count,
      )
      .toArray()
      .reverse();
    const first = rows[0];
    if (!first) return { segments: [], mediaSequence: 0, discontinuitySequence: 0 };
    const before = this.sql
      .exec<{ n: number }>(
        'SELECT COUNT(*) AS n FROM segments WHERE session_id = ? AND rendition = ? AND msn IS NOT NULL AND msn <= ? AND discontinuity = 1',
        sessionId,
        rendition,
        first.msn,
      )
      .one().n;
    return { segments: rows.map(toPlaylist), mediaSequence: first.msn!, discontinuitySequence: before };
  }

  /**
   * Every segment of a rendition in sequence order, for the recording: late uploads the live
   * playlist skipped are readable in R2 by now, so the recording includes them.
   */
  all(sessionId: string, rendition: string): PlaylistSegment[] {
    const rows = this.sql
      .exec<Row>(
        'SELECT * FROM segments WHERE session_id = ? AND rendition = ? ORDER BY sequence',
        sessionId,
        rendition,
      )
      .toArray();
    return rows.map((r, i) => {
      const prev = rows[i - 1];
      return {
        ...toPlaylist(r),
        discontinuity:
          prev !== undefined && (r.epoch !== prev.epoch || r.sequence !== prev.sequence + 1 || r.marked === 1),
      };
    });
  }

  /** Where a resumed publish starts numbering so it never reuses a sequence of its session. */
  nextSequence(sessionId: string): number {
    const row = this.sql
      .exec<{ m: number | null }>('SELECT MAX(sequence) AS m FROM segments WHERE session_id = ?', sessionId)
      .one();
    return row.m == null ? 0 : row.m + 1;
  }

  /** When the session's first listed segment arrived; null before any. */
  firstListedAt(sessionId: string): number | null {
    const row = this.sql
      .exec<{ at: number | null }>(
        'SELECT min(received_at) AS at FROM segments WHERE session_id = ? AND msn IS NOT NULL',
        sessionId,
      )
      .one();
    return row.at ?? null;
  }

  renditionsWithListed(sessionId: string): Set<string> {
    const rows = this.sql
      .exec<{ rendition: string }>(
        'SELECT DISTINCT rendition FROM segments WHERE session_id = ? AND msn IS NOT NULL',
        sessionId,
      )
      .toArray();
    return new Set(rows.map((r) => r.rendition));
  }

  renditionsWithAny(sessionId: string): string[] {
    return this.sql
      .exec<{ rendition: string }>('SELECT DISTINCT rendition FROM segments WHERE session_id = ?', sessionId)
      .toArray()
      .map((r) => r.rendition);
  }

  /** Peak and mean bits per second of what was produced, for a rendition the origin has not measured. */
  measuredBandwidth(sessionId: string, rendition: string): { peak: number; average: number } {
    const row = this.sql
      .exec<{ peak: number | null; bytes: number | null; secs: number | null }>(
        'SELECT MAX(bytes * 8.0 / duration) AS peak, SUM(bytes) AS bytes, SUM(duration) AS secs FROM segments WHERE session_id = ? AND rendition = ? AND duration > 0',
        sessionId,
        rendition,
      )
      .one();
    return { peak: row.peak ?? 0, average: row.secs ? (row.bytes! * 8) / row.secs : 0 };
  }

  /** Drops segments the live window no longer lists (when no recording needs them). */
  prune(sessionId: string, rendition: string, keep: number) {
    const last = this.lastListed(sessionId, rendition);
    if (!last || last.msn == null || last.msn < keep) return;
    const cutoff = this.sql
      .exec<{ sequence: number }>(
        'SELECT sequence FROM segments WHERE session_id = ? AND rendition = ? AND msn = ?',
        sessionId,
        rendition,
        last.msn - keep,
      )
      .toArray()[0];
    if (!cutoff) return;
    this.sql.exec(
      'DELETE FROM segments WHERE session_id = ? AND rendition = ? AND sequence <= ?',
      sessionId,
      rendition,
      cutoff.sequence,
    );
  }

  durationOf(sessionId: string, rendition: string): number {
    return (
      this.sql
        .exec<{ d: number | null }>(
          'SELECT SUM(duration) AS d FROM segments WHERE session_id = ? AND rendition = ?',
          sessionId,
          rendition,
        )
        .one().d ?? 0
    );
  }

  /** A new session starts: the previous one's rows have served their last ENDLIST playlist. */
  forgetOtherSessions(sessionId: string) {
    this.sql.exec('DELETE FROM segments WHERE session_id != ?', sessionId);
    this.sql.exec('DELETE FROM renditions WHERE session_id != ?', sessionId);
    this.sql.exec('DELETE FROM parts WHERE session_id != ?', sessionId);
  }
}

const toPlaylist = (r: Row): PlaylistSegment => ({
  sequence: r.sequence,
  duration: r.duration,
  pdt: r.pdt,
  discontinuity: r.discontinuity === 1,
});
