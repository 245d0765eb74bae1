import { type ChildProcess, spawn } from 'node:child_process';
import type { SimulcastReport } from '@edgelive/shared/simulcast';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from './log.ts';
import { SimulcastPush } from './simulcast-push.ts';

/**
 * The push's share of the `simulcast_seconds` meter, with real FFmpeg on both ends: a source that
 * serves RTMP (`-listen 1`), the push copying it, and a receiver that takes it. While broadcasting
 * the push repeats `broadcasting` with the seconds since its last report; stopping reports the
 * rest, so the sum is the time it broadcast. Ports from issue 15's range (20600-20699).
 */
const SOURCE = 'rtmp://127.0.0.1:20641/live/src';
const TARGET = 'rtmp://127.0.0.1:20642/live/key-123';
const children: ChildProcess[] = [];
const ffmpeg = (args: string[]) => {
  const c = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { stdio: 'ignore' });
  children.push(c);
  return c;
};

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('simulcast seconds (real FFmpeg)', () => {
  it('reports the seconds broadcast while broadcasting and the rest when stopped; they add up to the broadcast', async () => {
    ffmpeg(['-listen', '1', '-i', TARGET, '-f', 'null', '-']);
    ffmpeg([
      ...['-re', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=15'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '15'],
      ...['-f', 'flv', '-listen', '1', SOURCE],
    ]);
    const reports: { at: number; r: SimulcastReport }[] = [];
    const push = new SimulcastPush({
      targetId: 'sim_aaaaaaaa',
      revision: 1,
      sourceUrl: SOURCE,
      pushUrl: TARGET,
      report: (r) => reports.push({ at: Date.now(), r }),
      log: silentLogger,
      baseDelayMs: 200,
      maxDelayMs: 400,
      meterEveryMs: 400,
    });
    // The listeners take a moment to bind (the push retries until both answer), and FFmpeg probes
    // the source for some seconds before its first write: most of this test's 10 s.
    push.start();
    const deadline = Date.now() + 15_000;
    const broadcasting = () => reports.find((x) => x.r.status === 'broadcasting');
    while (!broadcasting() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const began = broadcasting();
    expect(began, JSON.stringify(reports.map((x) => x.r))).toBeTruthy();
    await new Promise((r) => setTimeout(r, 2_500));
    const stoppedAt = Date.now();
    await push.stop();
    const after = reports.filter((x) => x.at >= began!.at);
    const heartbeats = after.filter((x) => x.r.status === 'broadcasting' && x.r.broadcast_seconds);
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(reports.at(-1)?.r.status).toBe('idle');
    const sum = reports.reduce((s, x) => s + (x.r.broadcast_seconds ?? 0), 0);
    // Broadcasting began just before its report and ended when FFmpeg was stopped.
    const wall = (stoppedAt - began!.at) / 1000;
    expect(sum).toBeGreaterThan(wall - 0.1);
    expect(sum).toBeLessThan(wall + 0.5);
  }, 25_000);
});
