import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HealthSample } from '@edgelive/shared/stream-health';
import { healthSampleSchema } from '@edgelive/shared/stream-health';
import { describe, expect, it } from 'vitest';
import { HealthSampler } from './health-sampler.ts';

/** A sampler on a hand-moved clock, so windows, lateness and lags are exact. */
async function sampler(restarts = { n: 0 }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-health-'));
  let now = 1_000_000;
  const sent: HealthSample[] = [];
  const s = new HealthSampler({
    sourceRendition: 'source',
    intervalMs: 10_000,
    restarts: () => restarts.n,
    post: async (x) => void sent.push(x),
    probe: null,
    sampleFile: path.join(dir, 'probe.ts'),
    log: () => undefined,
    now: () => now,
  });
  const file = path.join(dir, 'seg.ts');
  await writeFile(file, 'x');
  return {
    s,
    file,
    sent,
    advance: (ms: number) => (now += ms),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

describe('health sampler', () => {
  it('turns a window of segments into bitrate, late segments, upload lag and backlog', async () => {
    const h = await sampler();
    try {
      // Five 2 s source segments of 625 kB (2.5 Mb/s), on time, each stored 100 ms later...
      for (let seq = 0; seq < 5; seq++) {
        h.advance(2000);
        await h.s.segmentListed('source', seq, 625_000, 2, h.file);
        await h.s.segmentListed('360p', seq, 100_000, 2, h.file);
        h.advance(100);
        expect(h.s.segmentUploaded('source', seq)).toBe(100);
        if (seq < 4) h.s.segmentUploaded('360p', seq);
      }
      // ...then one listed 6 s after the last: the input stalled.
      h.advance(6000);
      await h.s.segmentListed('source', 5, 625_000, 2, h.file);
      const x = h.s.takeSample();
      expect(healthSampleSchema.safeParse(x).success).toBe(true);
      expect(x).toMatchObject({
        input_bitrate_kbps: 2500,
        segments: 6,
        segments_late: 1,
        upload_lag_ms_p95: 100,
        // The last source segment and the last 360p one are not stored yet.
        upload_backlog: 2,
        encoder_restarts: 0,
        frame_rate: null,
      });
      expect(x.window_s).toBeCloseTo(16.5, 1);
      // The next window starts empty; the backlog carries over until stored.
      const y = h.s.takeSample();
      expect(y).toMatchObject({ segments: 0, input_bitrate_kbps: 0, upload_backlog: 2, upload_lag_ms_p95: null });
    } finally {
      await h.cleanup();
    }
  });

  it('counts a segment the upload queue gave up on as dropped, and no longer as waiting', async () => {
    const h = await sampler();
    try {
      await h.s.segmentListed('source', 0, 625_000, 2, h.file);
      await h.s.segmentListed('source', 1, 625_000, 2, h.file);
      h.s.segmentDropped('source', 0);
      // A second report of the same segment, or of one never listed, counts nothing.
      h.s.segmentDropped('source', 0);
      h.s.segmentDropped('source', 42);
      expect(h.s.takeSample()).toMatchObject({ segments_dropped: 1, upload_backlog: 1 });
      expect(h.s.takeSample()).toMatchObject({ segments_dropped: 0, upload_backlog: 1 });
    } finally {
      await h.cleanup();
    }
  });

  it('reports restarts and an unknown upload as no lag', async () => {
    const restarts = { n: 0 };
    const h = await sampler(restarts);
    try {
      restarts.n = 2;
      expect(h.s.segmentUploaded('source', 99)).toBeNull();
      expect(h.s.takeSample().encoder_restarts).toBe(2);
    } finally {
      await h.cleanup();
    }
  });
});
