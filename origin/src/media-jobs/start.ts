import path from 'node:path';
import type { Logger } from '../log.ts';
import type { OriginCredentials } from '../worker-client.ts';
import { JobClient } from './job-client.ts';
import { JobRunner } from './job-runner.ts';
import { runMp4Job } from './mp4-job.ts';

/** The origin's media worker (issue 14): the same code a dedicated media box would run. */
export function startMediaJobs(creds: OriginCredentials, runtimeDir: string, log: Logger): JobRunner {
  const client = new JobClient(creds);
  const runner = new JobRunner({
    client,
    log,
    run: ({ job, lease_id }) => runMp4Job(client, job, lease_id, { scratchDir: path.join(runtimeDir, 'jobs') }),
  });
  runner.start();
  return runner;
}
