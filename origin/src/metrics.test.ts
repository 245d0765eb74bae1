import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { OriginMetrics } from './metrics.ts';

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
