import type { PlaylistPart } from '@edgelive/shared/playlist-ll';
import type { PartCommit } from './contract';

interface Row extends Record<string, SqlStorageValue> {
  sequence: number;
  part: number;
  duration: number;
  independent: number;
  discontinuity: number;
}

/** Parts are listed only near the live edge, so the log keeps those of the last few segments. */
const KEEP_SEGMENTS = 6;

/**
 * The parts of the segments near the live edge, per rendition (store.ts's `parts` table). A part
 * is listed only with every part before it in its segment: a lost upload shows fewer parts, never
 * a hole, and the segment itself still arrives through the reliable segment path.
 */
export class PartLog {
  constructor(private readonly sql: SqlStorage) {}

  insert(p: PartCommit): boolean {
    const cur = this.sql.exec(
      'INSERT OR IGNORE INTO parts (session_id, rendition, sequence, part, duration, independent, discontinuity) VALUES (?, ?, ?, ?, ?, ?, ?)',
      p.sessionId,
      p.rendition,
      p.sequence,
      p.part,
      p.duration,
      p.independent ? 1 : 0,
      p.discontinuity ? 1 : 0,
    );
    return cur.rowsWritten > 0;
  }

  /** The contiguous parts 0..k of a segment (fewer than were uploaded when one is missing). */
  partsOf(sessionId: string, rendition: string, sequence: number): PlaylistPart[] {
    const rows = this.sql
      .exec<Row>(
        'SELECT * FROM parts WHERE session_id = ? AND rendition = ? AND sequence = ? ORDER BY part',
        sessionId,
        rendition,
        sequence,
      )
      .toArray();
    const out: PlaylistPart[] = [];
    for (const r of rows) {
      if (r.part !== out.length) break;
      out.push({ duration: r.duration, independent: r.independent === 1 });
    }
    return out;
  }

  /** The segment follows a discontinuity, as its first part said (before the segment itself is listed). */
  discontinuous(sessionId: string, rendition: string, sequence: number): boolean {
    return (
      this.sql
        .exec(
          'SELECT 1 FROM parts WHERE session_id = ? AND rendition = ? AND sequence = ? AND part = 0 AND discontinuity = 1',
          sessionId,
          rendition,
          sequence,
        )
        .toArray().length > 0
    );
  }

  has(sessionId: string, rendition: string, sequence: number, part: number): boolean {
    return this.partsOf(sessionId, rendition, sequence).length > part;
  }

  /** Whether the origin sends parts for this rendition at all (an older origin does not). */
  any(sessionId: string, rendition: string): boolean {
    return (
      this.sql
        .exec('SELECT 1 FROM parts WHERE session_id = ? AND rendition = ? LIMIT 1', sessionId, rendition)
        .toArray().length > 0
    );
  }

  /** The lowest segment sequence with parts: the session's first segment before any is listed. */
  firstSequence(sessionId: string, rendition: string): number | null {
    return this.sql
      .exec<{ s: number | null }>(
        'SELECT MIN(sequence) AS s FROM parts WHERE session_id = ? AND rendition = ?',
        sessionId,
        rendition,
      )
      .one().s;
  }

  /** The longest part kept: PART-TARGET must not be below any listed part. */
  longest(sessionId: string, rendition: string): number {
    return (
      this.sql
        .exec<{ d: number | null }>(
          'SELECT MAX(duration) AS d FROM parts WHERE session_id = ? AND rendition = ?',
          sessionId,
          rendition,
        )
        .one().d ?? 0
    );
  }

  /** After segment `sequence` was committed: older segments' parts are past the live edge. */
  prune(sessionId: string, rendition: string, sequence: number): void {
    this.sql.exec(
      'DELETE FROM parts WHERE session_id = ? AND rendition = ? AND sequence <= ?',
      sessionId,
      rendition,
      sequence - KEEP_SEGMENTS,
    );
  }
}
