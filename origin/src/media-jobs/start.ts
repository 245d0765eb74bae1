import path from 'node:path';
import type { Logger } from '../log.ts';
import type { OriginCredentials } from '../worker-client.ts';
import { JobClient } from './job-client.ts';
import { JobRunner } from './job-runner.ts';
import { runMp4Job } from './mp4-job.ts';
import { runTranscodeJob } from './transcode-job.ts';
import { runTrimJob } from './trim-job.ts';

/** The origin's media worker (issue 14): the same code a dedicated media box would run. */
export function startMediaJobs(creds: OriginCredentials, runtimeDir: string, log: Logger): JobRunner {
  const client = new JobClient(creds);
  const scratchDir = path.join(runtimeDir, 'jobs');
  const runner = new JobRunner({
    client,
    log,
    run: ({ job, lease_id }) => {
      const spec = job.spec;
      if (spec.kind === 'transcode') return runTranscodeJob(client, { ...job, spec }, lease_id, { scratchDir });
      if (spec.kind === 'trim') return runTrimJob(client, { ...job, spec }, lease_id, { scratchDir });
      return runMp4Job(client, job, lease_id, { scratchDir, ...multipartSettings() });
    },
  });
  runner.start();
  return runner;
}

/**
 * `EDGELIVE_MP4_MULTIPART_BYTES` / `EDGELIVE_MP4_PART_BYTES` move the multipart threshold and part
 * size (the end-to-end test sends a small MP4 in parts with them); unset, mp4-job.ts's defaults.
 */
function multipartSettings(): { multipartAbove?: number; partBytes?: number } {
  const n = (v: string | undefined) => (v && Number.isInteger(Number(v)) && Number(v) >= 0 ? Number(v) : undefined);
  return {
    multipartAbove: n(process.env.EDGELIVE_MP4_MULTIPART_BYTES),
    partBytes: n(process.env.EDGELIVE_MP4_PART_BYTES),
  };
}
