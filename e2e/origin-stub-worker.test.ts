/**
 * The origin for real (NGINX-RTMP, the agent, FFmpeg, a test-pattern publisher) against a small
 * stand-in for the Worker's origin endpoints (origin/test-support/stub-worker.ts). The same
 * scenarios run against wrangler dev in the full end-to-end test once the streams API is on main.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../origin/src/log.ts';
import { type RunningOrigin, startOrigin } from '../origin/src/origin.ts';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import { type StubStream, StubWorker } from '../origin/test-support/stub-worker.ts';

// Ports reserved for the origin's tests on shared machines: RTMP 19350-19369, HTTP 8850-8869.
const RTMP_A = 19351;
const RTMP_B = 19352;
const secrets = { orig_a: 'secret-a', orig_b: 'secret-b' };

let stub: StubWorker;
let workerUrl: string;
let origin: RunningOrigin;
const dirs: string[] = [];
const ladder = [{ name: 'source' as const }, { name: '480p' as const }, { name: '360p' as const }];

async function until<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function launch(originId: 'orig_a' | 'orig_b', rtmpPort: number): Promise<RunningOrigin> {
  const runtimeDir = mkdtempSync(path.join(tmpdir(), `edgelive-${originId}-`));
  dirs.push(runtimeDir);
  return startOrigin({
    originId,
    secret: secrets[originId],
    workerUrl,
    rtmpPort,
    httpPort: 0,
    runtimeDir,
    log: process.env.EDGELIVE_TEST_LOGS ? undefined : silentLogger,
    uploadBaseDelayMs: 100,
    uploadMaxDelayMs: 1000,
    timings: { statusPollMs: 1000, thumbnailIntervalS: 2 },
  });
}

function sequences(stream: StubStream, rendition: string, sessionId = stream.session?.id ?? ''): number[] {
  return stub.segmentsOf(sessionId, rendition).map((s) => s.sequence);
}

function contiguousFromZero(seq: number[]): boolean {
  return seq.every((n, i) => n === i);
}

beforeAll(async () => {
  stub = new StubWorker(secrets);
  workerUrl = await stub.listen(0);
  origin = await launch('orig_a', RTMP_A);
});

afterAll(async () => {
  await origin?.stop();
  await stub?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('origin against a stand-in Worker', () => {
  it('turns a publisher into every rung: segments advance, renditions measured, thumbnail, publish-done', async () => {
    const stream = stub.addStream({ key: 'sk_ladder', ladder });
    const pub = startTestPublisher(`${origin.rtmpUrl}/sk_ladder`, { size: '1280x720' });
    try {
      const session = await until('a session', () => stream.session?.id);
      for (const r of ['source', '480p', '360p'])
        await until(`3 segments of ${r}`, () => sequences(stream, r).length >= 3);
      for (const r of ['source', '480p', '360p']) {
        const seq = sequences(stream, r);
        expect(contiguousFromZero(seq), `${r}: ${seq.join(',')}`).toBe(true);
        const first = stub.segmentsOf(session, r)[0]!;
        expect(first.durationS).toBeGreaterThan(1);
        expect(first.durationS).toBeLessThanOrEqual(4);
        expect(first.pdt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      }
      // What each rung really is, measured from a downloaded segment.
      const sizes: Record<string, string> = { source: '1280x720', '480p': '854x480', '360p': '640x360' };
      for (const [r, size] of Object.entries(sizes)) {
        const file = path.join(dirs[0]!, `probe-${r}.ts`);
        writeFileSync(file, stub.segmentsOf(session, r)[1]!.bytes);
        const probe = execFileSync(
          'ffprobe',
          [
            '-v',
            'error',
            '-select_streams',
            'v:0',
            '-show_entries',
            'stream=codec_name,width,height',
            '-of',
            'csv=p=0',
            file,
          ],
          { encoding: 'utf8' },
        );
        // ffprobe prints the stream once per program and once on its own: the first line suffices.
        expect(probe.trim().split('\n')[0]).toBe(`h264,${size.replace('x', ',')}`);
        const report = await until(`rendition report ${r}`, () => stub.renditions.get(`${session}/${r}`));
        expect(report).toMatchObject({ resolution: size, frame_rate: 30 });
        expect(String(report.codecs)).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
        expect(Number(report.bandwidth)).toBeGreaterThan(100_000);
      }
      expect(stub.inputs.get(session)).toMatchObject({
        video_codec: 'h264',
        audio_codec: 'aac',
        width: 1280,
        height: 720,
        frame_rate: 30,
      });
      await until('a thumbnail', () => stub.thumbnails.some((t) => t.sessionId === session && t.bytes > 1000));
      pub.kill('SIGINT');
      await waitExit(pub);
      await until('publish-done', () => stub.publishDone.includes(session), 40_000);
      expect(stream.status).toBe('reconnecting');
      // Nothing listed went missing, including the last segment flushed at the end.
      for (const r of ['source', '480p', '360p']) expect(contiguousFromZero(sequences(stream, r))).toBe(true);
    } finally {
      pub.kill('SIGKILL');
    }
  });

  it('refuses an unknown, a disabled and a deleted key within a second, writing nothing', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 60_000);
    stub.addStream({ key: 'sk_disabled', disabled: true });
    stub.addStream({ key: 'sk_deleted', deleted: true });
    for (const key of ['sk_unknown', 'sk_disabled', 'sk_deleted']) {
      const before = stub.segments.size;
      const started = Date.now();
      const pub = startTestPublisher(`${origin.rtmpUrl}/${key}`, { size: '320x240' });
      await Promise.race([waitExit(pub), new Promise((r) => setTimeout(r, 5000))]);
      const elapsed = Date.now() - started;
      pub.kill('SIGKILL');
      expect(pub.exitCode, key).not.toBe(0);
      expect(elapsed, key).toBeLessThan(1000);
      expect(stub.segments.size).toBe(before);
    }
    expect(origin.agent.publications()).toHaveLength(0);
  });

  it('loses no segment while the Worker is unreachable for 10 s', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 60_000);
    const stream = stub.addStream({ key: 'sk_outage', ladder: [{ name: 'source' }, { name: '240p' }] });
    const pub = startTestPublisher(`${origin.rtmpUrl}/sk_outage`, { size: '640x360' });
    try {
      await until('first segments', () => stream.session && sequences(stream, 'source').length >= 2);
      stub.down = true;
      await new Promise((r) => setTimeout(r, 10_000));
      stub.down = false;
      const session = stream.session!.id;
      await until('segments after the outage', () => sequences(stream, 'source').length >= 9);
      pub.kill('SIGINT');
      await waitExit(pub);
      await until('publish-done', () => stub.publishDone.includes(session), 40_000);
      for (const r of ['source', '240p']) {
        const seq = sequences(stream, r);
        expect(contiguousFromZero(seq), `${r}: ${seq.join(',')}`).toBe(true);
        expect(seq.length).toBeGreaterThanOrEqual(9);
      }
    } finally {
      pub.kill('SIGKILL');
    }
  });

  it('continues the session after a publisher restart within the window, and restarts a crashed FFmpeg', async () => {
    const stream = stub.addStream({
      key: 'sk_restart',
      ladder: [{ name: 'source' }, { name: '240p' }],
      reconnectWindowS: 30,
    });
    let pub = startTestPublisher(`${origin.rtmpUrl}/sk_restart`, { size: '640x360' });
    try {
      await until('first segments', () => stream.session && sequences(stream, '240p').length >= 2);
      const session = stream.session!.id;

      // FFmpeg dies mid-stream: the agent starts a new one and numbering goes on.
      const publication = origin.agent.publications().find((p) => p.streamId === stream.id)!;
      const before = Math.max(...sequences(stream, 'source'));
      process.kill(publication.ffmpegPid!, 'SIGKILL');
      await until('segments from the restarted FFmpeg', () => Math.max(...sequences(stream, 'source')) >= before + 2);
      expect(publication.ffmpegRestarts).toBe(1);
      expect(stub.segmentsOf(session, 'source').some((s) => s.sequence > before && s.discontinuity)).toBe(true);

      // The publisher goes away and comes back within the window: same session, numbers continue.
      pub.kill('SIGKILL');
      await waitExit(pub);
      await until('publish-done', () => stub.publishDone.includes(session), 40_000);
      const lastBefore = Math.max(...sequences(stream, 'source'));
      pub = startTestPublisher(`${origin.rtmpUrl}/sk_restart`, { size: '640x360' });
      await until('segments after the reconnect', () => Math.max(...sequences(stream, 'source')) >= lastBefore + 2);
      expect(stream.session!.id).toBe(session);
      expect(stream.sessions).toHaveLength(1);
      const after = stub.segmentsOf(session, 'source').filter((s) => s.sequence > lastBefore);
      expect(after[0]?.discontinuity).toBe(true);
      for (const r of ['source', '240p']) {
        const seq = sequences(stream, r);
        expect(new Set(seq).size, `${r} reuses no number`).toBe(seq.length);
      }

      // Back at another frame rate: the ladder starts on the remembered input without waiting for a
      // probe; the probe beside it finds the change, the input is reported again and the ladder
      // restarts on it (the rungs stay the same), behind a discontinuity.
      pub.kill('SIGKILL');
      await waitExit(pub);
      await until('the second publish-done', () => stub.publishDone.filter((s) => s === session).length >= 2, 40_000);
      const lastAt360 = Math.max(...sequences(stream, 'source'));
      pub = startTestPublisher(`${origin.rtmpUrl}/sk_restart`, { size: '640x360', rate: 25 });
      await until('the input reported at 25 fps', () => stub.inputs.get(session)?.frame_rate === 25);
      const lastBeforeRestart = Math.max(...sequences(stream, 'source'));
      await until(
        'segments from the restarted ladder',
        () => Math.max(...sequences(stream, 'source')) >= lastBeforeRestart + 2,
      );
      expect(stream.sessions).toHaveLength(1);
      // One mark when the restart came before the reconnect's first segment was taken, two after.
      const marks = stub.segmentsOf(session, 'source').filter((s) => s.sequence > lastAt360 && s.discontinuity);
      expect(marks.length).toBeGreaterThanOrEqual(1);
      const seq = sequences(stream, 'source');
      expect(new Set(seq).size, 'no number reused across the restart').toBe(seq.length);

      // Back at a size that moves a rung (240p of 854x480 is 428 wide, not 426): the rungs reported
      // for the session no longer hold, so the publisher is dropped; its next connect starts on it.
      pub.kill('SIGKILL');
      await waitExit(pub);
      const doneCount = () => stub.publishDone.filter((s) => s === session).length;
      await until('the third publish-done', () => doneCount() >= 3, 40_000);
      pub = startTestPublisher(`${origin.rtmpUrl}/sk_restart`, { size: '854x480' });
      await waitExit(pub);
      await until('the fourth publish-done', () => doneCount() >= 4, 40_000);
      pub = startTestPublisher(`${origin.rtmpUrl}/sk_restart`, { size: '854x480' });
      await until('the input reported at 854x480', () => stub.inputs.get(session)?.width === 854);
      expect(stream.sessions).toHaveLength(1);
    } finally {
      pub.kill('SIGKILL');
      await waitExit(pub);
    }
  });

  it('drops the publisher of a stream disabled while live', async () => {
    const stream = stub.addStream({ key: 'sk_disable_live', ladder: [{ name: 'source' }] });
    const pub = startTestPublisher(`${origin.rtmpUrl}/sk_disable_live`, { size: '320x240' });
    try {
      await until('first segment', () => stream.session && sequences(stream, 'source').length >= 1);
      stream.disabled = true;
      const started = Date.now();
      await Promise.race([waitExit(pub), new Promise((r) => setTimeout(r, 10_000))]);
      expect(pub.exitCode).not.toBeNull();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      pub.kill('SIGKILL');
    }
  });

  it('runs two origins side by side, each with its own id and secret, into one control plane', async () => {
    const second = await launch('orig_b', RTMP_B);
    const a = stub.addStream({ key: 'sk_on_a', ladder: [{ name: 'source' }] });
    const b = stub.addStream({ key: 'sk_on_b', ladder: [{ name: 'source' }] });
    const pubA = startTestPublisher(`${origin.rtmpUrl}/sk_on_a`, { size: '320x240' });
    const pubB = startTestPublisher(`${second.rtmpUrl}/sk_on_b`, { size: '320x240' });
    try {
      await until(
        'segments through both origins',
        () => a.session && b.session && sequences(a, 'source').length >= 2 && sequences(b, 'source').length >= 2,
      );
      expect(second.agent.publications().map((p) => p.streamId)).toEqual([b.id]);
      expect(origin.agent.publications().map((p) => p.streamId)).toEqual([a.id]);
    } finally {
      pubA.kill('SIGKILL');
      pubB.kill('SIGKILL');
      await second.stop();
    }
  });
});
