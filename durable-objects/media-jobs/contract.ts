import type { MediaJob, MediaJobSpec } from '@edgelive/shared/media-jobs';
import type { RefusalTable, RpcResult } from '../../core/rpc';

/**
 * What the Worker may know of the media-job queue (durable-objects/media-jobs/media-jobs.do.ts).
 * The queue stands where Cloudflare Queues' pull consumers would (they cannot run locally): the
 * same lease / ack / retry shape behind these calls, so the Worker's routes do not change if the
 * queue does.
 */

export type { MediaJob, MediaJobSpec };

export type JobStatus = 'queued' | 'leased' | 'done' | 'failed';

export interface JobState {
  id: string;
  status: JobStatus;
  attempts: number;
  progress: number;
  error: string | null;
  spec: MediaJobSpec;
}

export interface Lease {
  job: MediaJob;
  leaseId: string;
}

/** A job that is not there, or whose lease is no longer this worker's (it lapsed and went elsewhere). */
export type JobRefusal = 'job_not_found' | 'lease_lost';

export const JOB_REFUSALS: RefusalTable<JobRefusal> = {
  job_not_found: { status: 404, message: 'No such media job.' },
  lease_lost: {
    status: 409,
    message: 'This lease is no longer yours (it lapsed, or the job finished); drop the job.',
  },
};

export type JobResult<T extends object = object> = RpcResult<T & { spec: MediaJobSpec }, JobRefusal>;
