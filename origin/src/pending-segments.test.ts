import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StubWorker } from '../test-support/stub-worker.ts';
import { Agent } from './agent.ts';
import { silentLogger } from './log.ts';
import { defaultTimings } from './origin.ts';
import { manifestPath, readPendingSegments } from './pending-segments.ts';
import { type PendingSegment, UploadQueue } from './upload-queue.ts';
import { WorkerClient } from './worker-client.ts';

let workDir: string;
let stub: StubWorker;
let url: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'edgelive-pending-'));
  stub = new StubWorker({ orig_test: 'secret' });
  url = await stub.listen(0);
});

afterEach(async () => {
  await stub.close();
  await rm(workDir, { recursive: true, force: true });
});

/** A live session on the stub and a segment file where a Publication would write it. */
async function liveSegment(streamId: string, sessionId: string, sequence: number): Promise<PendingSegment> {
  const dir = path.join(workDir, streamId, sessionId, '720p');
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, `${sequence}.ts`);
  await writeFile(filePath, Buffer.alloc(500, sequence));
  return {
    streamId,
    sessionId,
    rendition: '720p',
    sequence,
    durationS: 2,
    programDateTime: null,
    discontinuity: false,
    filePath,
    bytes: 500,
  };
}

describe('the upload queue on disk', () => {
  it('lets a restarted agent upload what the last run could not, and continue numbering after it', async () => {
    const stream = stub.addStream({ key: 'k' });
    const client = new WorkerClient({ workerUrl: url, originId: 'orig_test', secret: 'secret' }, 1000);
    const answer = await client.publish('k', null);
    if (!answer.ok) throw new Error('publish refused');
    const sessionId = answer.answer.session_id;

    // The first run: the Worker is away, the agent dies with three segments waiting.
    stub.down = true;
    const first = new UploadQueue({
      putSegment: (u) => client.putSegment(u),
      maxBufferedBytes: 10_000_000,
      baseDelayMs: 20,
      maxDelayMs: 100,
      onStop: () => {},
      log: silentLogger,
    });
    for (const seq of [0, 1, 2]) first.enqueue(await liveSegment(stream.id, sessionId, seq));
    await new Promise((r) => setTimeout(r, 100));
    first.close();
    stub.down = false;

    const agent = new Agent({
      workerUrl: url,
      originId: 'orig_test',
      secret: 'secret',
      host: '127.0.0.1',
      port: 0,
      rtmpPort: 1,
      controlSocket: path.join(workDir, 'none.sock'),
      workDir,
      log: silentLogger,
      maxBufferedBytes: 10_000_000,
      uploadBaseDelayMs: 20,
      uploadMaxDelayMs: 100,
      timings: defaultTimings,
    });
    expect(await agent.resumeUploads()).toBe(3);
    expect(await agent.queue.drainSession(sessionId, 5000)).toBe(true);
    expect(stub.segmentsOf(sessionId, '720p').map((s) => s.sequence)).toEqual([0, 1, 2]);
    // Uploaded: the files and their manifests are gone.
    expect(await readdir(path.join(workDir, stream.id, sessionId, '720p'))).toEqual([]);
    agent.queue.close();
  });

  it('drops manifests whose ids would lead out of the work dir, or whose segment is gone', async () => {
    const good = await liveSegment('str_abcdefghijkl', 'lsn_abcdefghijkl', 4);
    await writeFile(manifestPath(good.filePath), JSON.stringify({ ...good, filePath: undefined }));
    const outside = path.join(workDir, 'x.ts');
    await writeFile(outside, 'x');
    const evil = { ...good, streamId: '../..', filePath: undefined };
    await writeFile(manifestPath(outside), JSON.stringify(evil));
    // Valid ids, but the manifest does not sit where they say.
    const misplaced = path.join(workDir, 'str_abcdefghijkl', 'y.ts');
    await writeFile(misplaced, 'y');
    await writeFile(manifestPath(misplaced), JSON.stringify({ ...good, filePath: undefined }));
    const gone = await liveSegment('str_abcdefghijkl', 'lsn_abcdefghijkl', 5);
    await writeFile(manifestPath(gone.filePath), JSON.stringify({ ...gone, filePath: undefined }));
    await rm(gone.filePath);

    const found = await readPendingSegments(workDir, silentLogger);
    expect(found.map((s) => s.filePath)).toEqual([good.filePath]);
    expect(existsSync(manifestPath(outside))).toBe(false);
    expect(existsSync(manifestPath(misplaced))).toBe(false);
    expect(existsSync(manifestPath(gone.filePath))).toBe(false);
  });
});
