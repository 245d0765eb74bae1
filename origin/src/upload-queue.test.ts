import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StubWorker } from '../test-support/stub-worker.ts';
import { type Logger, silentLogger } from './log.ts';
import { type PendingSegment, UploadQueue } from './upload-queue.ts';
import { WorkerClient } from './worker-client.ts';

let dir: string;
let stub: StubWorker;
let client: WorkerClient;
let streamId: string;
const stops: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'edgelive-upload-'));
  stub = new StubWorker({ orig_test: 'secret' });
  const url = await stub.listen(0);
  streamId = stub.addStream({ key: 'k' }).id;
  client = new WorkerClient({ workerUrl: url, originId: 'orig_test', secret: 'secret' }, 2000);
  stops.length = 0;
});

afterEach(async () => {
  await stub.close();
  await rm(dir, { recursive: true, force: true });
});

function queue(
  maxBufferedBytes = 10_000_000,
  log: Logger = silentLogger,
  onDropped?: (s: PendingSegment) => void,
): UploadQueue {
  return new UploadQueue({
    onDropped,
    putSegment: (u) => client.putSegment(u),
    maxBufferedBytes,
    baseDelayMs: 20,
    maxDelayMs: 200,
    onStop: (_s, sessionId, code) => stops.push(`${sessionId}:${code}`),
    log,
  });
}

async function segment(sequence: number, rendition = '720p', bytes = 1000): Promise<PendingSegment> {
  const filePath = path.join(dir, `${rendition}-${sequence}.ts`);
  await writeFile(filePath, Buffer.alloc(bytes, sequence));
  return {
    streamId,
    sessionId: 'ses_1',
    rendition,
    sequence,
    durationS: 2,
    programDateTime: null,
    discontinuity: false,
    filePath,
    bytes,
  };
}

describe('UploadQueue', () => {
  it('retries a failing Worker with backoff and delivers every segment, in order, then deletes the files', async () => {
    stub.failNextSegmentPuts = 4;
    const q = queue();
    const segs = await Promise.all([0, 1, 2].map((n) => segment(n)));
    const started = Date.now();
    for (const s of segs) q.enqueue(s);
    expect(await q.drainSession('ses_1', 5000)).toBe(true);
    // Four failures at 20, 40, 80, 160 ms (±20 %) before the first success.
    expect(Date.now() - started).toBeGreaterThanOrEqual(0.8 * (20 + 40 + 80 + 160));
    expect(stub.segmentsOf('ses_1', '720p').map((s) => s.sequence)).toEqual([0, 1, 2]);
    expect(stub.segmentsOf('ses_1', '720p')[1]?.bytes.length).toBe(1000);
    for (const s of segs) expect(existsSync(s.filePath)).toBe(false);
    expect(q.pendingBytes).toBe(0);
  });

  it('loses nothing while the Worker is unreachable for a while', async () => {
    stub.down = true;
    const q = queue();
    for (let n = 0; n < 5; n++) q.enqueue(await segment(n, n % 2 ? '480p' : '720p'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(stub.segments.size).toBe(0);
    stub.down = false;
    expect(await q.drainSession('ses_1', 5000)).toBe(true);
    expect(stub.segmentsOf('ses_1', '720p').map((s) => s.sequence)).toEqual([0, 2, 4]);
    expect(stub.segmentsOf('ses_1', '480p').map((s) => s.sequence)).toEqual([1, 3]);
  });

  it('bounds the local buffer by dropping the oldest waiting segment', async () => {
    stub.down = true;
    const told: number[] = [];
    const q = queue(3000, silentLogger, (s) => told.push(s.sequence));
    for (let n = 0; n < 5; n++) q.enqueue(await segment(n));
    // Segment 0 is in flight (kept); 1 and 2 were dropped to make room for 3 and 4.
    expect(q.droppedSegments).toBe(2);
    // ...and their session's health hears of each (as dropped segments).
    expect(told).toEqual([1, 2]);
    expect(q.pendingBytes).toBe(3000);
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(path.join(dir, '720p-1.ts'))).toBe(false);
    stub.down = false;
    expect(await q.drainSession('ses_1', 5000)).toBe(true);
    expect(stub.segmentsOf('ses_1', '720p').map((s) => s.sequence)).toEqual([0, 3, 4]);
  });

  it('treats a 200 for a segment already stored as done (idempotent retry)', async () => {
    const q = queue();
    q.enqueue(await segment(7));
    await q.drainSession('ses_1', 5000);
    q.enqueue(await segment(7));
    expect(await q.drainSession('ses_1', 5000)).toBe(true);
    expect(stub.segmentsOf('ses_1', '720p')).toHaveLength(1);
  });

  it('stops on 409 stream_disabled without retrying', async () => {
    stub.streams.get(streamId)!.disabled = true;
    const q = queue();
    q.enqueue(await segment(0));
    expect(await q.drainSession('ses_1', 5000)).toBe(true);
    expect(stops).toEqual(['ses_1:stream_disabled']);
    expect(stub.log.filter((l) => l.startsWith('PUT'))).toHaveLength(1);
  });

  it('retries another session call (the input report) through an outage, until it gets through', async () => {
    stub.down = true;
    const q = queue();
    const input = {
      video_codec: 'h264',
      audio_codec: null,
      width: 640,
      height: 360,
      frame_rate: 30,
      bitrate_kbps: 800,
    };
    const done = q.retry('report input', () => client.reportInput(streamId, 'ses_1', input), {
      signal: new AbortController().signal,
      onRefused: () => stops.push('refused'),
      fields: {},
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(stub.inputs.size).toBe(0);
    stub.down = false;
    expect(await done).toBe(true);
    expect(stub.inputs.get('ses_1')).toMatchObject({ width: 640 });
    expect(stops).toEqual([]);
  });

  it('gives a retried call up when its signal aborts, and hands a final refusal over', async () => {
    stub.down = true;
    const q = queue();
    const stop = new AbortController();
    const input = { video_codec: 'h264', audio_codec: null, width: 1, height: 1, frame_rate: 30, bitrate_kbps: 1 };
    const gaveUp = q.retry('report input', () => client.reportInput(streamId, 'ses_1', input), {
      signal: stop.signal,
      onRefused: () => stops.push('refused'),
      fields: {},
    });
    setTimeout(() => stop.abort(), 100);
    expect(await gaveUp).toBe(false);
    stub.down = false;
    // A 4xx will not change by asking again: one try, handed to the caller.
    const refused = await q.retry('report input', () => client.reportInput('str_unknown', 'ses_1', input), {
      signal: new AbortController().signal,
      onRefused: (err) => stops.push(`refused:${err.status}`),
      fields: {},
    });
    expect(refused).toBe(true);
    expect(stops).toEqual(['refused:404']);
  });

  it('retries a 401 (our clock is off) with an error-level alert and a counter, and delivers once it is fixed', async () => {
    const errors: string[] = [];
    const q = queue(10_000_000, (level, message) => {
      if (level === 'error') errors.push(message);
    });
    stub.clockSkewS = 400;
    const s = await segment(0);
    q.enqueue(s);
    while (q.authFailures < 3) await new Promise((r) => setTimeout(r, 20));
    expect(stub.segments.size).toBe(0);
    expect(existsSync(s.filePath)).toBe(true);
    expect(errors.some((m) => m.includes('refused our signature'))).toBe(true);
    stub.clockSkewS = 0;
    expect(await q.drainSession(s.sessionId, 5000)).toBe(true);
    expect(stub.segments.size).toBe(1);
    expect(existsSync(s.filePath)).toBe(false);
    q.close();
  });
});
