import { SIMULCAST_STATUSES, type SimulcastStatus } from '@edgelive/shared/simulcast';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read from the running agent when Prometheus scrapes (no copies to keep in step). */
export interface MetricSources {
  publications: () => number;
  queuedSegments: () => number;
  queuedBytes: () => number;
  droppedSegments: () => number;
  uploadAuthFailures: () => number;
  /** Every live stream's simulcast targets with their current status (none: no gauge rows). */
  simulcastTargets?: () => { stream: string; target: string; status: SimulcastStatus }[];
}

/**
 * The origin's Prometheus metrics (`GET /metrics` on the agent, prom-client), one registry per
 * origin so several origins in one process (tests, the soak bench) keep their own counts. Counters
 * are incremented where things happen (segment listed, stored, FFmpeg restarted); gauges are read
 * from the agent at scrape time. Process CPU, memory, fds and event-loop lag come from prom-client's
 * default metrics. Names and labels are documented in origin/README.md.
 */
export class OriginMetrics {
  readonly registry = new Registry();
  readonly segmentsListed: Counter<'rendition'>;
  readonly segmentBytes: Histogram<'rendition'>;
  readonly segmentsUploaded: Counter<'rendition' | 'result'>;
  readonly uploadedBytes: Counter;
  readonly uploadLatency: Histogram;
  readonly ffmpegRestarts: Counter;
  readonly healthSamples: Counter<'result'>;

  constructor(originId: string, sources: MetricSources) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ origin: originId });
    collectDefaultMetrics({ register: this.registry });
    this.segmentsListed = new Counter({
      name: 'edgelive_origin_segments_total',
      help: 'HLS segments FFmpeg finished, per rendition',
      labelNames: ['rendition'],
      registers,
    });
    this.segmentBytes = new Histogram({
      name: 'edgelive_origin_segment_bytes',
      help: 'Size of finished segments',
      labelNames: ['rendition'],
      buckets: [16e3, 64e3, 128e3, 256e3, 512e3, 1e6, 2e6, 4e6, 8e6],
      registers,
    });
    this.segmentsUploaded = new Counter({
      name: 'edgelive_origin_segments_uploaded_total',
      help: 'Segments the Worker confirmed: result=stored (201) or duplicate (200, an earlier try had stored it)',
      labelNames: ['rendition', 'result'],
      registers,
    });
    this.uploadedBytes = new Counter({
      name: 'edgelive_origin_uploaded_bytes_total',
      help: 'Bytes of segments the Worker confirmed',
      registers,
    });
    this.uploadLatency = new Histogram({
      name: 'edgelive_origin_upload_latency_seconds',
      help: 'Segment finished by FFmpeg to confirmed by the Worker (retries included)',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers,
    });
    this.ffmpegRestarts = new Counter({
      name: 'edgelive_origin_ffmpeg_restarts_total',
      help: 'Times FFmpeg exited while its stream was live and was started again',
      registers,
    });
    this.healthSamples = new Counter({
      name: 'edgelive_origin_health_samples_total',
      help: 'Stream health samples sent to the Worker: result=sent or failed',
      labelNames: ['result'],
      registers,
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('edgelive_origin_live_publications', 'Publishers live on this origin', sources.publications);
    gauge('edgelive_origin_upload_queue_segments', 'Segments waiting for upload', sources.queuedSegments);
    gauge('edgelive_origin_upload_queue_bytes', 'Bytes of segments waiting for upload', sources.queuedBytes);
    gauge(
      'edgelive_origin_upload_dropped_segments',
      'Segments dropped since start because the upload buffer was full',
      sources.droppedSegments,
    );
    gauge(
      'edgelive_origin_upload_auth_failures',
      'Uploads the Worker refused with 401 since start (clock skew or a rotated secret)',
      sources.uploadAuthFailures,
    );

    // One row per target and status, 1 for the status it is in: Grafana can chart a target's
    // state over time, and `sum by (status)` counts targets per state.
    const simulcast = sources.simulcastTargets;
    new Gauge({
      name: 'edgelive_origin_simulcast_target_status',
      help: 'Simulcast pushes of live streams: 1 for the status each target is in (idle, starting, broadcasting, errored)',
      labelNames: ['stream', 'target', 'status'],
      registers,
      collect() {
        this.reset();
        for (const t of simulcast?.() ?? []) {
          for (const status of SIMULCAST_STATUSES)
            this.set({ stream: t.stream, target: t.target, status }, t.status === status ? 1 : 0);
        }
      },
    });
  }

  /** The text exposition format Prometheus scrapes. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
