import { DurableObject } from 'cloudflare:workers';
import { LEASE_MS, MAX_ATTEMPTS, type MediaJobSpec } from '@edgelive/shared/media-jobs';
import { migrateSql } from '../../core/do/sql-migrations';
import type { Env } from '../../core/env';
import { randomToken } from '../../core/ids';
import { ok, refuse } from '../../core/rpc';
import type { JobResult, JobState, JobStatus, Lease } from './contract';

const MIGRATIONS = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     spec TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     lease_id TEXT,
     leased_by TEXT,
     lease_until INTEGER,
     progress REAL NOT NULL DEFAULT 0,
     error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX jobs_ready ON jobs (status, created_at);`,
];

interface Row extends Record<string, SqlStorageValue> {
  id: string;
  spec: string;
  status: JobStatus;
  attempts: number;
  lease_id: string | null;
  lease_until: number | null;
  progress: number;
  error: string | null;
}

/**
 * The media-job queue: jobs in SQLite, handed out under leases. A lease is extended by each
 * progress report; one that lapses (its worker died or lost its network) makes the job available
 * to the next worker that asks, until MAX_ATTEMPTS, after which it fails. Lapsed leases are found
 * when a worker asks, so no timer is needed for correctness.
 */
export class MediaJobQueueObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => migrateSql(this.sql, MIGRATIONS));
  }

  /** Idempotent by id: a reaction that enqueues again after a failure makes no second job. */
  enqueue(id: string, spec: MediaJobSpec): void {
    const now = Date.now();
    this.sql.exec(
      `INSERT OR IGNORE INTO jobs (id, spec, status, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?)`,
      id,
      JSON.stringify(spec),
      now,
      now,
    );
  }

  /** The oldest job that is queued, or whose lease lapsed; null when there is nothing to do. */
  lease(workerId: string): Lease | null {
    const now = Date.now();
    this.failExhausted(now);
    return this.take(workerId, now);
  }

  /**
   * Jobs whose every attempt lapsed since the last call (their workers died): failed here, handed
   * to the Worker once so it can mark their assets. Asked before each lease.
   */
  exhausted(): { id: string; spec: MediaJobSpec }[] {
    const now = Date.now();
    this.failExhausted(now);
    const rows = this.sql
      .exec<Row>(`SELECT * FROM jobs WHERE status = 'failed' AND error LIKE 'worker_lost:%' AND lease_id IS NOT NULL`)
      .toArray();
    this.sql.exec(`UPDATE jobs SET lease_id = NULL WHERE status = 'failed' AND error LIKE 'worker_lost:%'`);
    return rows.map((r) => ({ id: r.id, spec: JSON.parse(r.spec) as MediaJobSpec }));
  }

  private take(workerId: string, now: number): Lease | null {
    const row = this.sql
      .exec<Row>(
        `SELECT * FROM jobs WHERE status = 'queued' OR (status = 'leased' AND lease_until < ?)
         ORDER BY created_at LIMIT 1`,
        now,
      )
      .toArray()[0];
    if (!row) return null;
    const leaseId = `lease_${randomToken(16)}`;
    this.sql.exec(
      `UPDATE jobs SET status = 'leased', attempts = attempts + 1, lease_id = ?, leased_by = ?, lease_until = ?,
       progress = 0, updated_at = ? WHERE id = ?`,
      leaseId,
      workerId,
      now + LEASE_MS,
      now,
      row.id,
    );
    return { job: { id: row.id, attempt: row.attempts + 1, spec: JSON.parse(row.spec) as MediaJobSpec }, leaseId };
  }

  /** Lapsed jobs that used every attempt fail for good instead of being handed out again. */
  private failExhausted(now: number) {
    this.sql.exec(
      `UPDATE jobs SET status = 'failed', error = 'worker_lost: every attempt lapsed', updated_at = ?
       WHERE status = 'leased' AND lease_until < ? AND attempts >= ?`,
      now,
      now,
      MAX_ATTEMPTS,
    );
  }

  private leased(id: string, leaseId: string): JobResult<{ row: Row }> {
    const row = this.sql.exec<Row>('SELECT * FROM jobs WHERE id = ?', id).toArray()[0];
    if (!row) return refuse('job_not_found');
    if (row.status !== 'leased' || row.lease_id !== leaseId || (row.lease_until ?? 0) < Date.now())
      return refuse('lease_lost');
    return ok({ row, spec: JSON.parse(row.spec) as MediaJobSpec });
  }

  /** Whether this lease still holds the job (the Worker asks before serving input or taking output). */
  check(id: string, leaseId: string): JobResult {
    const r = this.leased(id, leaseId);
    return r.ok ? ok({ spec: r.spec }) : r;
  }

  progress(id: string, leaseId: string, progress: number): JobResult {
    const r = this.leased(id, leaseId);
    if (!r.ok) return r;
    const now = Date.now();
    this.sql.exec(
      'UPDATE jobs SET progress = ?, lease_until = ?, updated_at = ? WHERE id = ?',
      progress,
      now + LEASE_MS,
      now,
      id,
    );
    return ok({ spec: r.spec });
  }

  /** Done. Asking again with the same lease answers the same (the Worker's reaction may be retried). */
  complete(id: string, leaseId: string): JobResult {
    const row = this.sql.exec<Row>('SELECT * FROM jobs WHERE id = ?', id).toArray()[0];
    if (row?.status === 'done' && row.lease_id === leaseId) return ok({ spec: JSON.parse(row.spec) as MediaJobSpec });
    const r = this.leased(id, leaseId);
    if (!r.ok) return r;
    this.sql.exec(`UPDATE jobs SET status = 'done', progress = 1, updated_at = ? WHERE id = ?`, Date.now(), id);
    return ok({ spec: r.spec });
  }

  /** A retryable failure goes back to the queue (until MAX_ATTEMPTS); `final` says it will not be tried again. */
  fail(id: string, leaseId: string, reason: string, retryable: boolean): JobResult<{ final: boolean }> {
    const r = this.leased(id, leaseId);
    if (!r.ok) return r;
    const final = !retryable || r.row.attempts >= MAX_ATTEMPTS;
    this.sql.exec(
      'UPDATE jobs SET status = ?, lease_id = NULL, lease_until = NULL, error = ?, updated_at = ? WHERE id = ?',
      final ? 'failed' : 'queued',
      reason,
      Date.now(),
      id,
    );
    return ok({ spec: r.spec, final });
  }

  get(id: string): JobState | null {
    const row = this.sql.exec<Row>('SELECT * FROM jobs WHERE id = ?', id).toArray()[0];
    if (!row) return null;
    return {
      id: row.id,
      status: row.status,
      attempts: row.attempts,
      progress: row.progress,
      error: row.error,
      spec: JSON.parse(row.spec) as MediaJobSpec,
    };
  }
}
