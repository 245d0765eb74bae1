import type { SimulcastReport } from '@edgelive/shared/simulcast';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './log.ts';
import { OriginMetrics } from './metrics.ts';
import { SimulcastPushes } from './simulcast-pushes.ts';

describe('origin metrics', () => {
  it('renders Prometheus text that parses, with counters, histograms and scrape-time gauges', async () => {
    let queued = 3;
    const m = new OriginMetrics('orig_test', {
      publications: () => 2,
      queuedSegments: () => queued,
      queuedBytes: () => 123_456,
      droppedSegments: () => 0,
      uploadAuthFailures: () => 0,
    });
    m.segmentsListed.inc({ rendition: 'source' });
    m.segmentsListed.inc({ rendition: 'source' });
    m.segmentBytes.observe({ rendition: 'source' }, 300_000);
    m.segmentsUploaded.inc({ rendition: 'source', result: 'stored' });
    m.uploadLatency.observe(0.2);
    m.ffmpegRestarts.inc();
    const scrape = async () => {
      const r = await m.render();
      expect(r.contentType).toContain('text/plain');
      return new Map(parsePrometheusTextFormat(r.body).map((f) => [f.name, f]));
    };
    const a = await scrape();
    expect(a.get('edgelive_origin_segments_total')).toMatchObject({
      type: 'COUNTER',
      metrics: [{ value: '2', labels: { rendition: 'source', origin: 'orig_test' } }],
    });
    expect(a.get('edgelive_origin_live_publications')?.metrics[0]?.value).toBe('2');
    expect(a.get('edgelive_origin_upload_queue_segments')?.metrics[0]?.value).toBe('3');
    expect(a.get('edgelive_origin_upload_queue_bytes')?.metrics[0]?.value).toBe('123456');
    expect(a.get('edgelive_origin_ffmpeg_restarts_total')?.metrics[0]?.value).toBe('1');
    const latency = a.get('edgelive_origin_upload_latency_seconds')!;
    expect(latency.type).toBe('HISTOGRAM');
    expect(latency.metrics[0]?.buckets?.['+Inf']).toBe('1');
    expect(latency.metrics[0]?.buckets?.['0.25']).toBe('1');
    expect(latency.metrics[0]?.buckets?.['0.1']).toBe('0');
    // Process CPU and memory come with prom-client's default metrics.
    expect(a.get('process_cpu_seconds_total')?.type).toBe('COUNTER');
    expect(Number(a.get('process_resident_memory_bytes')?.metrics[0]?.value)).toBeGreaterThan(1e6);
    // Gauges are read when scraped.
    queued = 0;
    expect((await scrape()).get('edgelive_origin_upload_queue_segments')?.metrics[0]?.value).toBe('0');
  });
});

describe('simulcast per-target state in the metrics', () => {
  it("shows each running target's last reported status, and drops a target that is gone", async () => {
    const reports = new Map<string, (r: SimulcastReport) => void>();
    const pushes = new SimulcastPushes({
      fetchTargets: async () => [],
      sendReport: async () => {},
      sourceUrl: 'rtmp://127.0.0.1/live/str_x',
      log: silentLogger,
      pollMs: 60_000,
      // The reconciler and the metrics are real; the push reports what a real one would, by hand.
      makePush: (t, report) => {
        reports.set(t.id, report);
        return {
          revision: t.revision,
          start: () => report({ status: 'starting', revision: t.revision }),
          stop: async () => {},
        };
      },
    });
    const m = new OriginMetrics('orig_test', {
      publications: () => 1,
      queuedSegments: () => 0,
      queuedBytes: () => 0,
      droppedSegments: () => 0,
      uploadAuthFailures: () => 0,
      simulcastTargets: () => pushes.targetStatuses.map((t) => ({ stream: 'str_live', ...t })),
    });
    const states = async () => {
      const fam = parsePrometheusTextFormat((await m.render()).body).find(
        (f) => f.name === 'edgelive_origin_simulcast_target_status',
      );
      return (fam?.metrics ?? [])
        .filter((x) => x.value === '1')
        .map((x) => `${x.labels?.target}=${x.labels?.status}`)
        .sort();
    };
    const t = (id: string) => ({ id, push_url: `rtmp://x.example/live/${id}`, revision: 1 });
    expect(await states()).toEqual([]);
    await pushes.reconcile([t('sim_aaaaaaaa'), t('sim_bbbbbbbb')]);
    expect(await states()).toEqual(['sim_aaaaaaaa=starting', 'sim_bbbbbbbb=starting']);
    reports.get('sim_aaaaaaaa')!({ status: 'broadcasting', revision: 1 });
    reports.get('sim_bbbbbbbb')!({ status: 'errored', revision: 1, error: 'connection refused' });
    expect(await states()).toEqual(['sim_aaaaaaaa=broadcasting', 'sim_bbbbbbbb=errored']);
    await pushes.reconcile([t('sim_aaaaaaaa')]);
    expect(await states()).toEqual(['sim_aaaaaaaa=broadcasting']);
  });
});
