import type { LeaseAnswer } from '@edgelive/shared/media-jobs';
import { describe, expect, it } from 'vitest';
import { JobRunner } from './job-runner.ts';
import { PermanentJobError } from './mp4-job.ts';

const lease = (id: string): LeaseAnswer => ({
  job: {
    id,
    attempt: 1,
    spec: {
      kind: 'mp4',
      asset_id: 'ast_1',
      input: { playlist: 'playlist.m3u8', rendition: '720p' },
      output: { content_type: 'video/mp4' },
    },
  },
  lease_id: `lease_${id}`,
});

/** A queue in memory that records what the runner told it. */
function fakeClient(jobs: LeaseAnswer[]) {
  const calls: string[] = [];
  return {
    calls,
    client: {
      lease: async () => jobs.shift() ?? null,
      progress: async (id: string) => void calls.push(`progress ${id}`),
      complete: async (id: string, l: string) => void calls.push(`complete ${id} ${l}`),
      fail: async (id: string, _l: string, reason: string, retryable: boolean) =>
        void calls.push(`fail ${id} ${retryable ? 'retryable' : 'permanent'} ${reason}`),
    },
  };
}

describe('media job runner', () => {
  it('completes a job that ran, and says when there was none', async () => {
    const { client, calls } = fakeClient([lease('job_a')]);
    const ran: string[] = [];
    const r = new JobRunner({ client, log: () => {}, run: async (l) => void ran.push(l.job.id) });
    expect(await r.once()).toBe(true);
    expect(await r.once()).toBe(false);
    expect(ran).toEqual(['job_a']);
    expect(calls).toEqual(['complete job_a lease_job_a']);
  });

  it('fails bad input for good and anything else as retryable', async () => {
    const { client, calls } = fakeClient([lease('job_a'), lease('job_b')]);
    let n = 0;
    const r = new JobRunner({
      client,
      log: () => {},
      run: async () => {
        if (n++ === 0) throw new PermanentJobError('ffmpeg exited 1');
        throw new Error('ECONNRESET');
      },
    });
    await r.once();
    await r.once();
    expect(calls).toEqual(['fail job_a permanent Error: ffmpeg exited 1', 'fail job_b retryable Error: ECONNRESET']);
  });

  it('heartbeats while a job runs, keeping its lease', async () => {
    const { client, calls } = fakeClient([lease('job_a')]);
    const r = new JobRunner({
      client,
      log: () => {},
      heartbeatMs: 20,
      run: () => new Promise((res) => setTimeout(res, 110)),
    });
    await r.once();
    expect(calls.filter((c) => c === 'progress job_a').length).toBeGreaterThanOrEqual(3);
    expect(calls.at(-1)).toBe('complete job_a lease_job_a');
  });
});
