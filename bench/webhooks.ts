/**
 * Webhook delivery benchmark: 1,000 real events (API keys created through the API) to a local
 * receiver that fails 20% of first attempts, with the production retry schedule (first retry
 * after ~5 s). Prints the time to deliver them all, first-attempt latency p50/p95 (event time to
 * the receiver seeing attempt 1) and how many were lost.
 *
 *   node bench/webhooks.ts [events=1000] [concurrency=8]
 */
import { startTestStack } from '../e2e/harness/stack.ts';
import { WebhookReceiver } from '../e2e/harness/webhook-receiver.ts';

const EVENTS = Number(process.argv[2] ?? 1000);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const FIRST_ATTEMPT_FAILURE = 0.2;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

const stack = await startTestStack({ port: 8920 });
const receiver = new WebhookReceiver(8921);
try {
  await receiver.up();
  const ep = await stack.api.call<{ secret: string }>('POST', '/v1/webhook-endpoints', {
    url: receiver.url,
    event_types: ['api_key.created'],
  });
  receiver.secrets = [ep.secret];
  // Deterministic: the same 20% of events fail their first attempt on every run.
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  receiver.behave = (_r, attempt) => (attempt === 1 && random() < FIRST_ATTEMPT_FAILURE ? 500 : 'ok');

  const started = Date.now();
  let next = 0;
  const emitter = async () => {
    while (next < EVENTS) {
      const i = next++;
      // Keys are managed from the console (a key cannot mint keys).
      await stack.console.call('POST', `/v1/apps/${stack.demo.app.id}/api-keys`, { name: `bench-${i}` });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, emitter));
  const emitted = Date.now();

  // Every event the platform recorded, from its own API: the ground truth for "lost".
  const ids = new Set<string>();
  let cursor: string | null = null;
  do {
    const page: { data: { id: string; timestamp: string }[]; next_cursor: string | null } = await stack.api.call(
      'GET',
      `/v1/events?type=api_key.created&since=${new Date(started).toISOString()}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const e of page.data) ids.add(e.id);
    cursor = page.next_cursor;
  } while (cursor);

  const deadline = Date.now() + 120_000;
  while ([...ids].some((id) => !receiver.acked.has(id)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const lastAck = Math.max(...[...receiver.acked.values()].map((r) => r.at));

  const firstAttempts = new Map<string, number>();
  for (const r of receiver.requests) {
    if (firstAttempts.has(r.id)) continue;
    const ev = JSON.parse(r.body) as { timestamp: string };
    firstAttempts.set(r.id, r.at - Date.parse(ev.timestamp));
  }
  const latencies = [...firstAttempts.values()];
  const lost = [...ids].filter((id) => !receiver.acked.has(id)).length;
  const failedFirst = receiver.requests.filter((r) => r.reply === 500).length;
  const badSignatures = receiver.requests.filter((r) => r.verifiedBy.length === 0).length;
  const duplicates = receiver.requests.length - firstAttempts.size - failedFirst;

  console.log(
    JSON.stringify(
      {
        events_emitted: EVENTS,
        events_recorded: ids.size,
        delivered: [...ids].filter((id) => receiver.acked.has(id)).length,
        lost,
        first_attempts_failed: failedFirst,
        bad_signatures: badSignatures,
        extra_successful_deliveries: duplicates,
        emit_seconds: (emitted - started) / 1000,
        emit_rate_per_s: Math.round(EVENTS / ((emitted - started) / 1000)),
        time_to_deliver_all_seconds: (lastAck - started) / 1000,
        first_attempt_latency_ms: { p50: pct(latencies, 50), p95: pct(latencies, 95), max: Math.max(...latencies) },
      },
      null,
      2,
    ),
  );
  if (lost > 0 || badSignatures > 0) process.exitCode = 1;
} finally {
  await receiver.down();
  await stack.stop();
}
