import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { OriginTarget, SimulcastReport } from '@edgelive/shared/simulcast';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './log.ts';
import { pushArgs, pushCodecArgs, SimulcastPush } from './simulcast-push.ts';
import { SimulcastPushes } from './simulcast-pushes.ts';

const target = (id: string, revision = 1): OriginTarget => ({ id, push_url: `rtmp://x.example/live/${id}`, revision });

/** Pushes that record what the reconciler asks of them, instead of spawning FFmpeg. */
function recorder() {
  const log: string[] = [];
  const pushes = new SimulcastPushes({
    fetchTargets: async () => [],
    sendReport: async () => {},
    sourceUrl: 'rtmp://127.0.0.1/live/str_x',
    log: silentLogger,
    pollMs: 60_000,
    makePush: (t) => ({
      revision: t.revision,
      start: () => log.push(`start ${t.id}@${t.revision}`),
      stop: async (quiet = false) => {
        log.push(`stop ${t.id}@${t.revision}${quiet ? ' quiet' : ''}`);
      },
    }),
  });
  return { pushes, log };
}

describe('simulcast reconciliation', () => {
  it('starts new targets, leaves unchanged ones alone, restarts a changed one quietly and stops a missing one', async () => {
    const { pushes, log } = recorder();
    await pushes.reconcile([target('sim_aaaaaaaa'), target('sim_bbbbbbbb')]);
    await pushes.reconcile([target('sim_aaaaaaaa'), target('sim_bbbbbbbb')]);
    expect(log).toEqual(['start sim_aaaaaaaa@1', 'start sim_bbbbbbbb@1']);
    log.length = 0;
    await pushes.reconcile([target('sim_aaaaaaaa', 2), target('sim_cccccccc')]);
    expect(log).toEqual([
      'stop sim_aaaaaaaa@1 quiet',
      'stop sim_bbbbbbbb@1',
      'start sim_aaaaaaaa@2',
      'start sim_cccccccc@1',
    ]);
    expect(pushes.targetIds.sort()).toEqual(['sim_aaaaaaaa', 'sim_cccccccc']);
    log.length = 0;
    await pushes.stop();
    expect(log.sort()).toEqual(['stop sim_aaaaaaaa@2', 'stop sim_cccccccc@1']);
  });

  it('keeps running pushes when the Worker cannot be reached', async () => {
    const log: string[] = [];
    let fail = false;
    const pushes = new SimulcastPushes({
      fetchTargets: async () => {
        if (fail) throw new Error('worker away');
        return [target('sim_aaaaaaaa')];
      },
      sendReport: async () => {},
      sourceUrl: 'rtmp://127.0.0.1/live/str_x',
      log: silentLogger,
      pollMs: 20,
      makePush: (t) => ({
        revision: t.revision,
        start: () => log.push('start'),
        stop: async () => void log.push('stop'),
      }),
    });
    pushes.start();
    await new Promise((r) => setTimeout(r, 60));
    fail = true;
    await new Promise((r) => setTimeout(r, 100));
    expect(log).toEqual(['start']);
    await pushes.stop();
    expect(log).toEqual(['start', 'stop']);
  });
});

describe('one push (real FFmpeg)', () => {
  it('encodes a chosen rung at its size (a target with `rendition`), and copies an unknown one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'push-rung-'));
    try {
      const out = path.join(dir, 'rung.flv');
      const run = spawnSync('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-t', '1'],
        ...pushCodecArgs('360p'),
        ...['-f', 'flv', out],
      ]);
      expect(run.status, run.stderr.toString()).toBe(0);
      const probe = spawnSync('ffprobe', [
        ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height'],
        ...['-of', 'csv=p=0', out],
      ]);
      expect(probe.stdout.toString().trim()).toBe('h264,640,360');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(pushCodecArgs('4k')).toEqual(['-map', '0', '-c', 'copy']);
    expect(pushCodecArgs(null)).toEqual(['-map', '0', '-c', 'copy']);
  }, 30_000);

  it('copies the program to FLV and reports progress on stdout', () => {
    const args = pushArgs('rtmp://127.0.0.1:1/live/str_x', 'rtmp://x.example/live/k');
    expect(args.slice(args.indexOf('-i'))).toEqual([
      '-i',
      'rtmp://127.0.0.1:1/live/str_x',
      '-map',
      '0',
      '-c',
      'copy',
      '-f',
      'flv',
      '-flvflags',
      'no_duration_filesize',
      'rtmp://x.example/live/k',
    ]);
    expect(args).toContain('pipe:1');
  });

  it('a target that refuses is errored with a redacted reason and a retry time, retried with backoff, idle when stopped', async () => {
    const reports: SimulcastReport[] = [];
    // Nothing listens on port 9 here: the source cannot even be read, which fails like a refusing target.
    const push = new SimulcastPush({
      targetId: 'sim_aaaaaaaa',
      revision: 3,
      sourceUrl: 'rtmp://127.0.0.1:9/live/secret-key-123',
      pushUrl: 'rtmp://127.0.0.1:9/live/secret-key-123',
      report: (r) => reports.push(r),
      log: silentLogger,
      baseDelayMs: 100,
      maxDelayMs: 200,
    });
    push.start();
    const deadline = Date.now() + 15_000;
    while (reports.filter((r) => r.status === 'errored').length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await push.stop();
    const statuses = reports.map((r) => r.status);
    expect(statuses.slice(0, 4)).toEqual(['starting', 'errored', 'starting', 'errored']);
    expect(statuses.at(-1)).toBe('idle');
    expect(reports.every((r) => r.revision === 3)).toBe(true);
    const errored = reports.find((r) => r.status === 'errored')!;
    expect(errored.error).toBeTruthy();
    expect(errored.error).not.toContain('secret-key-123');
    expect(errored.error).not.toMatch(/@ 0x/);
    expect(Date.parse(errored.next_retry_at!)).toBeGreaterThan(Date.now() - 20_000);
  }, 20_000);
});
