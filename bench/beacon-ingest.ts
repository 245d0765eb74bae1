/**
 * Beacon ingest through the Worker (wrangler dev, local workerd, local D1 and Durable Objects):
 *
 *   node bench/beacon-ingest.ts [--seconds 10] [--concurrency 16] [--views 200]
 *
 * `views` players each send heartbeats (cumulative snapshots, as the real player does) to one
 * stream's analytics object as fast as `concurrency` connections allow, from distinct addresses so
 * the per-address limit is not what is measured. Prints requests/s, p50/p99, the statuses and
 * what the analytics then show (the beacons must have been counted, not only answered).
 * On a shared 2-core machine absolute figures move with the load (printed with the load average).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startTestStack } from '../e2e/harness/stack.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    views: { type: 'string', default: '200' },
    port: { type: 'string', default: '20310' },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const VIEWS = Number(values.views);

const stack = await startTestStack({ port: Number(values.port) });
try {
  const stream = await stack.api.call<{ id: string; playback_ids: { id: string }[] }>('POST', '/v1/streams', {
    playback_policies: ['public'],
  });
  const pb = stream.playback_ids[0]!.id;
  const url = `${stack.worker.url}/v1/beacons`;
  const views = Array.from({ length: VIEWS }, (_, i) => ({ id: `benchview${i.toString().padStart(6, '0')}`, seq: 0 }));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const n = next++;
      const v = views[n % VIEWS]!;
      const seq = v.seq++;
      const body = JSON.stringify({
        playback_id: pb,
        view_id: v.id,
        viewer_id: `viewer-${v.id}`,
        event: seq === 0 ? 'view_start' : 'heartbeat',
        seq,
        startup_ms: 900,
        playing_ms: seq * 100,
        rebuffer_count: 0,
        rebuffer_ms: 0,
        error_count: 0,
        rendition: 720,
        live_latency_ms: 3000,
        player: 'bench',
      });
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain', 'cf-connecting-ip': `10.0.${(n >> 8) & 255}.${n & 255}` },
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
  // Let the object flush, then read what was counted.
  await new Promise((r) => setTimeout(r, 5000));
  const o = await stack.api.call<{ views: number; watch_time_s: number }>(
    'GET',
    `/v1/analytics/overview?stream_id=${stream.id}`,
  );
  console.log(
    `beacon ingest: ${latencies.length} requests in ${elapsed.toFixed(1)} s, concurrency ${CONCURRENCY}, ${VIEWS} views`,
  );
  console.log(`  throughput ${(latencies.length / elapsed).toFixed(0)} req/s`);
  console.log(
    `  latency p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
  );
  console.log(`  statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`  analytics afterwards: ${o.views} views, ${o.watch_time_s} s watch time`);
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await stack.stop();
}
